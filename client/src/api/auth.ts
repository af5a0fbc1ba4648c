import { apiClient } from '@/lib/api-client';
import type { CreateUserRequest, CurrentUser, LoginRequest, PasswordRules, User } from '@/types/auth';

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

export function createUser(request: CreateUserRequest): Promise<CurrentUser> {
  return apiClient.post('/api/v1/admin/users/', request);
}

const userPath = (id: string) => `/api/v1/admin/users/${encodeURIComponent(id)}/`;

export function getPasswordRules(): Promise<PasswordRules> {
  return apiClient.get('/api/v1/admin/users/password-rules/');
}

/** A disabled user cannot sign in, and their cookies and tokens stop working at once. */
export function setUserDisabled(id: string, disabled: boolean): Promise<User> {
  return apiClient.post(`${userPath(id)}${disabled ? 'disable' : 'enable'}/`, {});
}

export function setUserAdmin(id: string, isAdmin: boolean): Promise<User> {
  return apiClient.put(`${userPath(id)}role/`, { is_admin: isAdmin });
}

/** 204; the user's sign-in sessions end. */
export function resetUserPassword(id: string, password: string): Promise<void> {
  return apiClient.post(`${userPath(id)}password/`, { password });
}

export function deleteUser(id: string): Promise<void> {
  return apiClient.delete(userPath(id));
}
