export interface ServiceHealth {
  status: 'up' | 'down';
  endpoint: string;
  error?: string;
}

export interface Health {
  status: 'ok' | 'degraded';
  region: string;
  storage: string;
  services: Record<string, ServiceHealth>;
  telephony?: { numbers: string[]; regions: Record<string, 'up' | 'down'>; activeCalls: number };
}

/** GET /health answers 503 with the same body when a service is down: both are readable reports. */
export async function fetchHealth(): Promise<Health> {
  const response = await fetch('/health', { headers: { accept: 'application/json' } });
  if (response.status !== 200 && response.status !== 503)
    throw new Error(`GET /health answered ${response.status}`);
  return (await response.json()) as Health;
}
