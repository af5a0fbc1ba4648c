import { apiClient } from '@/lib/api-client';
import type { CreateUserRequest, CurrentUser, LoginRequest, User } from '@/types/auth';

/** Signs in with an HTTP-only cookie, so no token ever touches script. */
export function login(request: LoginRequest): Promise<void> {
  return apiClient.post('/api/v1/auth/login', request, { query: { use_cookies: 'true' } });
}

export function logout(): Promise<void> {
  return apiClient.post('/api/v1/auth/logout');
}

export function getCurrentUser(): Promise<CurrentUser> {
  return apiClient.get('/api/v1/auth/me');
}

export function listUsers(): Promise<User[]> {
  return apiClient.get('/api/v1/admin/users/');
}

export function createUser(request: CreateUserRequest): Promise<User> {
  return apiClient.post('/api/v1/admin/users/', request);
}
