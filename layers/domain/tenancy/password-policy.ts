/**
 * Cognito's default password policy, checked before a password reaches the user pool so that sign-up can
 * list every problem at once (the pool itself answers with the first only).
 */
export function passwordProblems(password: string): string[] {
  const rules: [boolean, string][] = [
    [password.length >= 8, 'password must have at least 8 characters'],
    [password.length <= 256, 'password must have at most 256 characters'],
    [/[a-z]/.test(password), 'password must contain a lowercase letter'],
    [/[A-Z]/.test(password), 'password must contain an uppercase letter'],
    [/[0-9]/.test(password), 'password must contain a number'],
    [/[^A-Za-z0-9]/.test(password), 'password must contain a symbol'],
  ];
  return rules.filter(([ok]) => !ok).map(([, message]) => message);
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
