/**
 * The web app on AWS: a private bucket served only through CloudFront (origin access control), HTTPS
 * only, security headers on, and the app shell for client-side routes (/agent, /wallboard). The built app
 * (web/dist) is uploaded at deploy and the distribution's cache cleared; without a build, synth says so
 * and deploys an empty site.
 */
import { existsSync } from 'node:fs';
import { Annotations, CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Function as CfFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  type IBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** The construct id aws-cdk-lib gives its BucketDeployment function (one per stack). */
export const BUCKET_DEPLOYMENT_FUNCTION = 'Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C';

export interface WebHostingProps {
  readonly stage: 'dev' | 'prod';
  /** The built web app (`npm run build:web` writes web/dist). */
  readonly siteDir: string;
  /** Where the bucket's access logs and the distribution's standard logs go. */
  readonly accessLogs: IBucket;
  /**
   * The region's APIs, served on the app's own origin as locally (`/api/*`, and the WebSocket on `/ws`,
   * rewritten to the API's stage), so the app needs no configuration and no CORS.
   */
  readonly apis?: {
    readonly httpDomain: string;
    readonly websocketDomain: string;
    readonly websocketStage: string;
  };
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
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 's3/web/',
    });
    // Client-side routes (/agent, /wallboard, …) are not objects: a path without a file extension gets the
    // app shell. Done on the site's behaviour only — a distribution-wide error page would also turn the APIs'
    // 403s and 404s into a 200 HTML page.
    const shell = new CfFunction(this, 'AppShell', {
      comment: 'Client-side routes of the web app get index.html',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        "function handler(event) { var r = event.request; if (r.uri.indexOf('.') < 0) { r.uri = '/index.html'; } return r; }",
      ),
    });
    this.distribution = new Distribution(this, 'Cdn', {
      comment: `Openline web app (${props.stage})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        functionAssociations: [{ function: shell, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: props.apis === undefined ? {} : this.apiBehaviors(props.apis),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    const acknowledge = (id: string, reason: string) =>
      Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'Tenants and their agents are worldwide: no country is refused the web app.',
    );
    acknowledge(
      'AwsSolutions-CFR2',
      'The distribution serves only the static app shell (no forms, no data); the APIs it calls carry their own throttling and authorisers.',
    );
    acknowledge(
      'AwsSolutions-CFR4',
      "The default CloudFront domain's certificate fixes the viewer TLS policy; with a custom domain (the domain setting) the distribution takes TLSv1.2_2021.",
    );
    if (existsSync(props.siteDir)) {
      new BucketDeployment(this, 'Deploy', {
        sources: [Source.asset(props.siteDir)],
        destinationBucket: this.bucket,
        distribution: this.distribution,
        distributionPaths: ['/*'],
        retainOnDelete: retain,
      });
      // CDK's own deployment function (a stack singleton): its runtime, managed policy and the wildcards of
      // its copy are aws-cdk-lib's, acknowledged one by one.
      const stack = Stack.of(this);
      const cdkFunction = stack.node.tryFindChild(BUCKET_DEPLOYMENT_FUNCTION);
      const site = stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
      const copies =
        "CDK's BucketDeployment function copies the built site from CDK's asset bucket into this app's site bucket and clears the distribution's cache";
      if (cdkFunction !== undefined)
        for (const [id, reason] of [
          ['AwsSolutions-L1', "CDK's BucketDeployment function: its runtime is chosen by aws-cdk-lib."],
          [
            'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
            "CDK's BucketDeployment function: logs only (the basic execution role), managed by aws-cdk-lib.",
          ],
          ...['s3:Abort*', 's3:DeleteObject*', 's3:GetBucket*', 's3:GetObject*', 's3:List*'].map((action) => [
            `AwsSolutions-IAM5[Action::${action}]`,
            `${copies}: object actions on those two buckets only.`,
          ]),
          [`AwsSolutions-IAM5[Resource::<${site}.Arn>/*]`, `${copies}: every object of the site bucket.`],
          [
            `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${stack.region}/*]`,
            `${copies}: the site's asset in CDK's asset bucket.`,
          ],
          ['AwsSolutions-IAM5[Resource::*]', `${copies}: CloudFront cache invalidations take no resource.`],
        ] as const)
          Validations.of(cdkFunction).acknowledge({ id, reason });
    } else
      Annotations.of(this).addWarningV2(
        'openline:web-not-built',
        `The web app is not built (${props.siteDir} is missing): run \`npm run build:web\` before deploying.`,
      );
    new CfnOutput(this, 'Url', { value: `https://${this.distribution.distributionDomainName}` });
  }

  private apiBehaviors(apis: NonNullable<WebHostingProps['apis']>): Record<string, BehaviorOptions> {
    const passThrough = {
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Everything but Host: the Authorization header, the query (the socket's token), the upgrade headers.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    const toStage = new CfFunction(this, 'WebSocketPath', {
      comment: 'The app opens /ws; the WebSocket API serves its stage path',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        `function handler(event) { event.request.uri = '/${apis.websocketStage}'; return event.request; }`,
      ),
    });
    return {
      '/api/*': { ...passThrough, origin: new HttpOrigin(apis.httpDomain) },
      '/_auth/*': { ...passThrough, origin: new HttpOrigin(apis.httpDomain) },
      '/ws': {
        ...passThrough,
        origin: new HttpOrigin(apis.websocketDomain),
        functionAssociations: [{ function: toStage, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
    };
  }
}
