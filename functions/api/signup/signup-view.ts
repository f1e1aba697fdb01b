/** A number order as its tenant's admin sees it: the job's progress, without the sign-up's fields. */
export function numberOrderView(job: SignupJob) {
  const { email: _email, companyName: _name, signupId, ...view } = signupView(job);
  return { orderId: signupId, ...view };
}

/** What the sign-up page sees of a job: its progress, never its internals (order ids, tried numbers). */
import type { SignupJob } from '../../../layers/domain/tenancy/provision-tenant.ts';

export function signupView(job: SignupJob) {
  return {
    signupId: job.signupId,
    tenantId: job.tenantId,
    companyName: job.companyName,
    email: job.email,
    state: job.state,
    step: job.step,
    progress: job.progress,
    createdAt: job.createdAt,
    ...(job.state === 'live' ? { phoneNumber: job.phoneNumber } : {}),
    ...(job.error === undefined ? {} : { error: job.error }),
  };
}
