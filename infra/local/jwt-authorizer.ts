/** The local gateway's JWT authoriser: the same verifier the Lambda authoriser runs on AWS. */
export {
  type AuthorizerVerdict,
  apiGatewayClaims,
  JwtAuthorizer,
  type JwtAuthorizerConfig,
  type JwtAuthorizerOptions,
} from '../../layers/adapters/jwt-verifier.ts';
