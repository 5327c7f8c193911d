import { z } from 'zod';
import { IdSchema } from './common.ts';

export const RoleSchema = z.enum(['operator', 'officer', 'dispatcher', 'admin']);

/** Shortest password the service accepts (with a common-password list beside it, see the README). */
export const MIN_PASSWORD_LENGTH = 10;

export const LoginRequestSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
  /**
   * The web app's session: also set an HttpOnly, SameSite=Strict cookie (EventSource and images then work without
   * an Authorization header); changes made with it carry `X-CSRF-Token: <csrfToken>` from the answer.
   */
  cookie: z.boolean().optional(),
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

export const UserSchema = SessionUserSchema.extend({ disabled: z.boolean() });

export const LoginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: SessionUserSchema,
  /** With `cookie: true`: the value of the `X-CSRF-Token` header of every change request made with the cookie. */
  csrfToken: z.string().optional(),
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `密码至少 ${MIN_PASSWORD_LENGTH} 位 / password: at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256);

export const ChangePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword,
});

/**
 * User names: letters, digits and `_ . -`, 1–64 characters, starting and ending with a letter or digit. The
 * service also normalises them (NFKC), compares them without case and refuses look-alikes of existing names.
 */
export const UsernameInputSchema = z
  .string()
  .max(64)
  .regex(
    /^[\p{L}\p{N}](?:[\p{L}\p{N}_.-]{0,62}[\p{L}\p{N}])?$/u,
    '用户名须以字母或数字开头和结尾，只含字母、数字、_.- / username: 1–64 letters, digits, _ . -, starting and ending with a letter or digit',
  );

export const CreateUserRequestSchema = z
  .object({
    username: UsernameInputSchema,
    password: newPassword,
    roles: z.array(RoleSchema).min(1).max(4),
    displayName: z.string().max(200).optional(),
    departmentId: IdSchema.nullable().optional(),
  })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

/**
 * Admin change of a user: roles, department, display name and/or disabled (a disabled user's sessions end at
 * once; new roles or a new department end their live streams).
 */
export const UpdateUserRequestSchema = z
  .object({
    roles: z.array(RoleSchema).min(1).max(4).optional(),
    disabled: z.boolean().optional(),
    departmentId: IdSchema.nullable().optional(),
    displayName: z.string().trim().max(200).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'give roles, disabled, departmentId and/or displayName' });
