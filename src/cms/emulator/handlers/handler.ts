import type { z } from 'zod';
import type { OperationName, Operations } from '../../catalog/index.js';
import type { Community } from '../community.js';

/** Serves one operation: takes the validated input, changes the community, returns the answer's data. */
export type Handler<N extends OperationName> = (
  input: z.output<Operations[N]['input']>,
  community: Community,
) => z.input<Operations[N]['output']>;

/** One handler per catalog operation; the compiler rejects a catalog row the emulator does not serve. */
export type Handlers = { [N in OperationName]: Handler<N> };
