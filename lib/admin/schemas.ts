// Request bodies for sign-in, users and API tokens. Browser-safe: the settings forms use them too.
import { z } from "zod";
import "../messages.ts";
import { roles } from "../auth/permissions.ts";

export const PASSWORD_MIN = 12;

const email = z.email("Enter an email address, such as ada@example.com.").max(254).transform((s) => s.toLowerCase());
const password = z.string().min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`).max(256);
const name = z.string().trim().min(1, "Enter a name.").max(100);
const role = z.enum(roles, `Choose a role: ${roles.join(", ")}.`);

export const loginBody = z.strictObject({
  email: z.string().trim().min(1, "Enter your email.").max(254).transform((s) => s.toLowerCase()),
  password: z.string().min(1, "Enter your password.").max(256),
});

export const createUserBody = z.strictObject({ email, name, role, password });
export type CreateUserBody = z.infer<typeof createUserBody>;

export const updateUserBody = z
  .strictObject({ name: name.optional(), role: role.optional(), disabled: z.boolean().optional(), password: password.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), "Change at least one of name, role, password or disabled.");
export type UpdateUserBody = z.infer<typeof updateUserBody>;

export const createTokenBody = z.strictObject({
  name,
  role,
  /** When it stops working; absent: until revoked. */
  expiresAt: z.iso
    .datetime({ offset: true, error: "Enter a time in ISO 8601, such as 2027-01-31T00:00:00Z." })
    .refine((t) => Date.parse(t) > Date.now(), "Choose a time in the future.")
    .optional(),
});
export type CreateTokenBody = z.infer<typeof createTokenBody>;

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1, "Enter your current password.").max(256),
  newPassword: password,
});
