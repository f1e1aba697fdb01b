/**
 * One region of the drill: `npm start`'s program as a child process against the drill's phone network,
 * with its own DynamoDB Local, kinesis-local, S3, lake, Athena, gateways and issuer, and a data folder of its
 * own. Its ports are chosen once, so the region comes back at the same addresses (the issuer's URL is part
 * of its tokens) and with its data after a stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { SipTarget } from '../../../layers/domain/tenancy/provision-tenant.ts';
import { freePort } from '../free-port.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

export interface RegionPorts {
  readonly web: number;
  readonly dynamodb: number;
  readonly kinesis: number;
  readonly kinesisTls: number;
  readonly s3: number;
  readonly athena: number;
}

/**
 * Free ports for a region, none of them among `taken` (which it extends): a port is free only until
 * someone binds it, and both regions choose theirs before either starts.
 */
export async function chooseRegionPorts(taken: Set<number>): Promise<RegionPorts> {
  const next = async () => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  return {
    web: await next(),
    dynamodb: await next(),
    kinesis: await next(),
    kinesisTls: await next(),
    s3: await next(),
    athena: await next(),
  };
}

export class RegionProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';

  constructor(
    readonly region: string,
    private readonly otherRegion: string,
    readonly ports: RegionPorts,
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {}

  get webUrl(): string {
    return `http://127.0.0.1:${this.ports.web}`;
  }

  get endpoints() {
    const at = (port: number) => `http://127.0.0.1:${port}`;
    return {
      dynamodb: at(this.ports.dynamodb),
      s3: at(this.ports.s3),
      athena: at(this.ports.athena),
    };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the region and resolves once it printed `ready`; returns how long that took. */
  async start(network: { chimeEndpoint: string; sipTargets: readonly SipTarget[] }): Promise<number> {
    if (this.running) throw new Error(`region ${this.region} is running already`);
    const began = Date.now();
    this.output = '';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/local/start.ts', '--data-dir', this.dataDir, '--no-web-build'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          OPENLINE_REGION: this.region,
          OPENLINE_STANDBY_REGION: this.otherRegion,
          OPENLINE_PORT: String(this.ports.web),
          OPENLINE_DYNAMODB_PORT: String(this.ports.dynamodb),
          OPENLINE_KINESIS_PORT: String(this.ports.kinesis),
          OPENLINE_KINESIS_TLS_PORT: String(this.ports.kinesisTls),
          OPENLINE_S3_PORT: String(this.ports.s3),
          OPENLINE_ATHENA_PORT: String(this.ports.athena),
          OPENLINE_CHIME_PORT: '0',
          OPENLINE_CHIME_ENDPOINT: network.chimeEndpoint,
          OPENLINE_SIP_TARGETS: JSON.stringify(network.sipTargets),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.exited = new Promise((done) => child.once('exit', () => done()));
    const collect = (data: Buffer) => {
      this.output += data.toString();
      // Errors from the region's handlers are worth seeing while the drill runs.
      for (const line of data.toString().split('\n'))
        if (/error|failed/i.test(line) && line.trim() !== '') this.log(`[${this.region}] ${line.trim()}`);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let timer: NodeJS.Timeout | undefined;
    const ready = await Promise.race([
      new Promise<boolean>((done) => {
        const check = () => {
          if (/\bready\b/.test(this.output)) done(true);
        };
        child.stdout?.on('data', check);
        check();
      }),
      this.exited.then(() => false),
      new Promise<boolean>((done) => {
        timer = setTimeout(() => done(false), READY_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!ready) {
      await this.stop();
      throw new Error(`region ${this.region} did not start. Its output:\n${this.output.slice(-4_000)}`);
    }
    return Date.now() - began;
  }

  /**
   * Stops the region with SIGTERM (a region outage does not destroy durable data: the data folder stays),
   * escalating to SIGKILL of the same PID if it does not exit in time.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((done) => {
        timer = setTimeout(() => done(false), STOP_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }
}
