import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { createUser, listUsers } from '@/api/auth';
import type { CreateUserRequest } from '@/types/auth';

export function useUsers(enabled: boolean) {
  return useQuery({ queryKey: ['users'], queryFn: listUsers, enabled });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CreateUserRequest) => createUser(request),
    onSuccess: (user) => {
      toast.success(`Created ${user.email}.`);
      return queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
}
