import type { CmsEmulator } from '../../../src/cms/emulator/server.js';

export interface Arrival {
  at: number;
  operation: string;
  admitted: boolean;
}

/** Records when each request reaches the emulator (this process's clock) and whether it was admitted. */
export function recordArrivals(cms: CmsEmulator): Arrival[] {
  const arrivals: Arrival[] = [];
  const admit = cms.limiter.admit.bind(cms.limiter);
  cms.limiter.admit = (credential, operation) => {
    const admission = admit(credential, operation);
    arrivals.push({ at: Date.now(), operation, admitted: admission.admitted });
    return admission;
  };
  return arrivals;
}
