import { z } from 'zod';

export const RoleSchema = z.enum(['operator', 'officer', 'dispatcher', 'admin']);

export const LoginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const SessionUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  displayName: z.string().nullable(),
  roles: z.array(RoleSchema),
  departmentId: z.string().nullable(),
  mustChangePassword: z.boolean(),
});
export type SessionUser = z.infer<typeof SessionUserSchema>;

export const LoginResponseSchema = z.object({ token: z.string(), expiresAt: z.string(), user: SessionUserSchema });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const ChangePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(8, '密码至少 8 位 / password: at least 8 characters').max(256),
});

export const CreateUserRequestSchema = z.object({
  username: z
    .string()
    .regex(/^[\p{L}\p{N}_.-]{1,64}$/u, '用户名只能含字母、数字、_.- / username: 1–64 letters, digits, _ . -'),
  password: z.string().min(8, '密码至少 8 位 / password: at least 8 characters').max(256),
  roles: z.array(RoleSchema).min(1),
  displayName: z.string().max(200).optional(),
  departmentId: z.string().max(64).nullable().optional(),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;
