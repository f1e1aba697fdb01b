/**
 * Credentials for the emulators, which accept any well-formed ones; real AWS never sees them.
 * DynamoDB Local 2+ rejects access key ids with anything but letters and digits.
 */
export const localCredentials = { accessKeyId: 'openlinelocal', secretAccessKey: 'openlinelocal' } as const;
