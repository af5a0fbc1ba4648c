export interface CurrentUser {
  id: string;
  email: string;
  is_admin: boolean;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export type User = CurrentUser;

export interface CreateUserRequest {
  email: string;
  password: string;
  is_admin: boolean;
}
