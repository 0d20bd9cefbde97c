export type ComponentState = 'UP' | 'DOWN';

export interface HealthProbe {
  name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  status: ComponentState;
  version: string;
  components?: Record<string, ComponentState>;
}

const PROBE_TIMEOUT_MS = 2_000;

/** `{"status":"UP","version"}` when every dependency answers, else DOWN naming which did not. */
export async function checkHealth(version: string, probes: HealthProbe[]): Promise<HealthReport> {
  const results = await Promise.all(probes.map(async (probe) => [probe.name, await probeState(probe)] as const));
  const down = results.filter(([, state]) => state === 'DOWN');
  if (down.length === 0) return { status: 'UP', version };
  return { status: 'DOWN', version, components: Object.fromEntries(results) };
}

async function probeState(probe: HealthProbe): Promise<ComponentState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('probe timed out')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe.check(), timeout]);
    return 'UP';
  } catch {
    return 'DOWN';
  } finally {
    clearTimeout(timer);
  }
}
