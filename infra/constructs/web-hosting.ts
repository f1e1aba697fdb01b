/**
 * The web app on AWS: a private bucket served only through CloudFront (origin access control), HTTPS
 * only, security headers on, and the app shell for client-side routes (/agent, /wallboard). The built app
 * (web/dist) is uploaded at deploy and the distribution's cache cleared; without a build, synth says so
 * and deploys an empty site.
 */
import { existsSync } from 'node:fs';
import { Annotations, CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Distribution,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface WebHostingProps {
  readonly stage: 'dev' | 'prod';
  /** The built web app (`npm run build:web` writes web/dist). */
  readonly siteDir: string;
}

export class WebHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    const retain = props.stage === 'prod';
    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The site is rebuilt from source on every deploy: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    // Client-side routes are not objects: the bucket answers 403 (no ListBucket), and the app shell loads.
    const shell = (httpStatus: number) => ({
      httpStatus,
      responseHttpStatus: 200,
      responsePagePath: '/index.html',
      ttl: Duration.seconds(0),
    });
    this.distribution = new Distribution(this, 'Cdn', {
      comment: `Openline web app (${props.stage})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
      errorResponses: [shell(403), shell(404)],
      httpVersion: HttpVersion.HTTP2_AND_3,
    });
    if (existsSync(props.siteDir))
      new BucketDeployment(this, 'Deploy', {
        sources: [Source.asset(props.siteDir)],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        retainOnDelete: retain,
      });
    else
      Annotations.of(this).addWarningV2(
        'openline:web-not-built',
        `The web app is not built (${props.siteDir} is missing): run \`npm run build:web\` before deploying.`,
      );
    new CfnOutput(this, 'Url', { value: `https://${this.distribution.distributionDomainName}` });
  }
}
