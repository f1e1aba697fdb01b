/**
 * Signing up against the local cloud as the sign-up page does: a proof of work, POST /api/v1/signups, then
 * the job's progress until it is live or failed. Requests can come from any loopback address (127.x.y.z),
 * so that each test file counts against its own network's sign-up rate.
 */
import { request } from 'node:http';
import { solveProofOfWork } from '../../layers/domain/tenancy/signup-request.ts';

export interface SignupView {
  signupId: string;
  tenantId: string;
  state: 'provisioning' | 'live' | 'failed';
  step: string;
  progress: { step: string; at: string }[];
  phoneNumber?: string;
  error?: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A loopback address of its own for a test file: its sign-ups count against no one else's. */
export function loopbackAddress(): string {
  const n = () => 1 + Math.floor(Math.random() * 250);
  return `127.${n()}.${n()}.${n()}`;
}

export function sendFrom(from: string, method: 'GET' | 'POST', url: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        localAddress: from,
        headers: text === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(raw) as Record<string, unknown>;
          } catch {
            parsed = { raw };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

export interface NewSignup {
  companyName: string;
  email: string;
  password: string;
  numberType?: 'local' | 'toll-free';
  areaCode?: string;
}

export function signupBody(input: NewSignup): Record<string, unknown> {
  return { ...input, proof: solveProofOfWork(input.email, Date.now()) };
}

/** Polls the sign-up until it is live or failed. */
export async function waitForSignup(webUrl: string, from: string, signupId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await sendFrom(from, 'GET', `${webUrl}/api/v1/signups/${signupId}`);
    if (reply.status !== 200)
      throw new Error(`GET /signups answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    const view = reply.body as unknown as SignupView;
    if (view.state !== 'provisioning') return view;
    if (Date.now() > deadline)
      throw new Error(`the sign-up is still at '${view.step}' after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
