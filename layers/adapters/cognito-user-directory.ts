/**
 * Tenant users in the Cognito user pool (the local issuer serves the same admin operations locally, at
 * `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`). The tenant id is the `custom:tenant_id` attribute, which
 * only these admin calls write: the app client cannot, so a user can never change its own tenant; groups
 * are its roles.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  InvalidPasswordException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import type { TenantId } from '../domain/tenancy/ids.ts';
import type { AdminUsers } from '../domain/tenancy/provision-tenant.ts';
import { type UserGroup, userGroups } from './caller-identity.ts';

export class CognitoUserDirectory implements AdminUsers {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  /** Creates a confirmed user of the tenant with a password it chose; returns its `sub`. */
  async create(user: {
    email: string;
    password: string;
    tenantId: TenantId;
    groups: readonly UserGroup[];
  }): Promise<string> {
    const pool = { UserPoolId: this.userPoolId, Username: user.email };
    let sub: string | undefined;
    try {
      const created = await this.cognito.send(
        new AdminCreateUserCommand({
          ...pool,
          // The person signing up chose the password: no invitation email, no forced change.
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'custom:tenant_id', Value: user.tenantId },
          ],
        }),
      );
      sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      await this.cognito.send(
        new AdminSetUserPasswordCommand({ ...pool, Password: user.password, Permanent: true }),
      );
      for (const group of user.groups)
        await this.cognito.send(new AdminAddUserToGroupCommand({ ...pool, GroupName: group }));
    } catch (error) {
      if (error instanceof UsernameExistsException)
        throw new ConflictError('an account with this email already exists: sign in instead');
      if (error instanceof InvalidPasswordException)
        throw new ValidationError('the password is not valid', [
          { path: 'password', message: error.message },
        ]);
      throw error;
    }
    if (sub === undefined) throw new Error('the user pool returned no sub for the new user');
    return sub;
  }

  /**
   * Invites a user of the tenant: made with a temporary password (which Cognito also emails on AWS), to be
   * changed at the first sign-in; returns its `sub`.
   */
  async invite(user: {
    email: string;
    tenantId: TenantId;
    groups: readonly UserGroup[];
    temporaryPassword: string;
  }): Promise<string> {
    const pool = { UserPoolId: this.userPoolId, Username: user.email };
    try {
      const created = await this.cognito.send(
        new AdminCreateUserCommand({
          ...pool,
          TemporaryPassword: user.temporaryPassword,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'custom:tenant_id', Value: user.tenantId },
          ],
        }),
      );
      for (const group of user.groups)
        await this.cognito.send(new AdminAddUserToGroupCommand({ ...pool, GroupName: group }));
      const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      if (sub === undefined) throw new Error('the user pool returned no sub for the invited user');
      return sub;
    } catch (error) {
      if (error instanceof UsernameExistsException)
        throw new ConflictError('an account with this email already exists');
      throw error;
    }
  }

  /**
   * Sets a user's roles to exactly `groups`. The user is named by its `sub` (stable, unlike an email) and
   * must belong to `tenant`; false if there is no such user of the tenant.
   */
  async setGroups(userId: string, tenant: TenantId, groups: readonly UserGroup[]): Promise<boolean> {
    if (!(await this.belongs(userId, tenant))) return false;
    const pool = { UserPoolId: this.userPoolId, Username: userId };
    for (const group of userGroups)
      await this.cognito.send(
        groups.includes(group)
          ? new AdminAddUserToGroupCommand({ ...pool, GroupName: group })
          : new AdminRemoveUserFromGroupCommand({ ...pool, GroupName: group }),
      );
    return true;
  }

  /** Deletes a user of the tenant, named by its `sub`; false if there is no such user of the tenant. */
  async removeById(userId: string, tenant: TenantId): Promise<boolean> {
    if (!(await this.belongs(userId, tenant))) return false;
    await this.cognito.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: userId }));
    return true;
  }

  private async belongs(username: string, tenant: TenantId): Promise<boolean> {
    try {
      const user = await this.cognito.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username }),
      );
      return user.UserAttributes?.find((a) => a.Name === 'custom:tenant_id')?.Value === tenant;
    } catch (error) {
      if (error instanceof UserNotFoundException) return false;
      throw error;
    }
  }

  async remove(email: string, tenant: TenantId): Promise<void> {
    try {
      const user = await this.cognito.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: email }),
      );
      const owner = user.UserAttributes?.find((a) => a.Name === 'custom:tenant_id')?.Value;
      // Another tenant's user with this email (it signed up after this sign-up failed): not ours to delete.
      if (owner !== tenant) return;
      await this.cognito.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: email }));
    } catch (error) {
      if (!(error instanceof UserNotFoundException)) throw error;
    }
  }
}
