export interface CurrentUser {
  id: string;
  email: string;
  is_admin: boolean;
}

export interface LoginRequest {
  email: string;
  password: string;
}

/** A user as the admin's Users page lists them. */
export interface User extends CurrentUser {
  is_disabled: boolean;
  disabled_at: string | null;
  created_at: string;
}

/** The server's password rules, to show before a password is typed. */
export interface PasswordRules {
  required_length: number;
  max_length: number;
  require_digit: boolean;
  require_lowercase: boolean;
  require_uppercase: boolean;
  require_non_alphanumeric: boolean;
  required_unique_chars: number;
  rules: string[];
}

export interface CreateUserRequest {
  email: string;
  password: string;
  is_admin: boolean;
}
