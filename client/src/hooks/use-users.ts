import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import {
  createUser,
  deleteUser,
  getPasswordRules,
  listUsers,
  resetUserPassword,
  setUserAdmin,
  setUserDisabled,
} from '@/api/auth';
import type { CreateUserRequest, User } from '@/types/auth';

/** Every users key derives from these. */
export const userKeys = {
  all: ['users'] as const,
};

export function usersQueryOptions() {
  return queryOptions({ queryKey: userKeys.all, queryFn: listUsers });
}

export function passwordRulesQueryOptions() {
  return queryOptions({ queryKey: [...userKeys.all, 'password-rules'] as const, queryFn: getPasswordRules, staleTime: Infinity });
}

export function useUsers(enabled: boolean) {
  return useQuery({ ...usersQueryOptions(), enabled });
}

export function usePasswordRules() {
  return useQuery(passwordRulesQueryOptions());
}

/** After a change: the list is re-read (the rules' query shares the prefix but never goes stale). */
function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: usersQueryOptions().queryKey, exact: true });
}

export function useCreateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (request: CreateUserRequest) => createUser(request),
    onSuccess: (user) => {
      toast.success(`Created ${user.email}.`);
      return invalidate();
    },
  });
}

export function useSetUserDisabled() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ user, disabled }: { user: User; disabled: boolean }) => setUserDisabled(user.id, disabled),
    onSuccess: (user) => {
      toast.success(user.is_disabled ? `Disabled ${user.email}: they are signed out everywhere.` : `Enabled ${user.email}.`);
      return invalidate();
    },
  });
}

export function useSetUserAdmin() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ user, isAdmin }: { user: User; isAdmin: boolean }) => setUserAdmin(user.id, isAdmin),
    onSuccess: (user) => {
      toast.success(user.is_admin ? `${user.email} is an admin now.` : `${user.email} is no longer an admin.`);
      return invalidate();
    },
  });
}

export function useResetUserPassword() {
  return useMutation({
    mutationFn: ({ user, password }: { user: User; password: string }) => resetUserPassword(user.id, password),
    onSuccess: (_, { user }) => {
      toast.success(`New password set for ${user.email}. Their sign-in sessions have ended.`);
    },
  });
}

export function useDeleteUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (user: User) => deleteUser(user.id),
    onSuccess: (_, user) => {
      toast.success(`Deleted ${user.email} and their images.`);
      return invalidate();
    },
  });
}
