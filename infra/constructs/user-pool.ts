/**
 * The Cognito user pool of tenant users (admins, supervisors, agents). The tenant id is the immutable custom
 * attribute `custom:tenant_id`, written only by the platform's admin API calls (sign-up, invitations) and
 * readable but not writable by the web app client, so no user can move itself to another tenant; the
 * groups admin / supervisor / agent are the roles, which only admin calls change. Users sign in with their
 * email; nobody signs themselves up into the pool directly (sign-up goes through the API, which checks
 * and rate-limits). ID tokens last an hour, as the local issuer's.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { userGroups } from '../../layers/adapters/caller-identity.ts';

export interface TenantUserPoolProps {
  readonly stage: 'dev' | 'prod';
}

export class TenantUserPool extends Construct {
  readonly pool: UserPool;
  readonly webClient: UserPoolClient;
  readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: TenantUserPoolProps) {
    super(scope, id);
    this.pool = new UserPool(this, 'Pool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: { tenant_id: new StringAttribute({ minLen: 3, maxLen: 40, mutable: false }) },
      // Cognito's default policy, which sign-up also checks so it can list every problem at once.
      passwordPolicy: {
        minLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Essentials: threat protection (Plus) is priced per active user; an operator can raise it here.
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: props.stage === 'prod',
      removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials plan: threat protection (Plus) is priced per monthly active user, across 80,000 agents; an operator can raise featurePlan here.',
    });
    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP, no SMS): agents often sign in at shared desks without a phone; each user can turn TOTP on.',
    });
    for (const group of userGroups)
      new CfnUserPoolGroup(this, `Group-${group}`, {
        userPoolId: this.pool.userPoolId,
        groupName: group,
        description: `Openline ${group}s`,
      });
    const standard = { email: true, emailVerified: true };
    this.webClient = this.pool.addClient('WebClient', {
      generateSecret: false,
      // The web app signs in through the API's /_auth/token (over TLS, as the local issuer does).
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      readAttributes: new ClientAttributes()
        .withStandardAttributes(standard)
        .withCustomAttributes('tenant_id'),
      // Nothing is the user's to write through the app: not the tenant, and not the email either (admins
      // change it, so the tenant's list of users and the pool cannot drift apart).
      writeAttributes: new ClientAttributes(),
    });
    this.environment = { OPENLINE_USER_POOL_ID: this.pool.userPoolId };
  }
}
