import type { Logger } from '../logger.js';

/**
 * Interactions whose answer Discord did not take: one error line when it starts, each further
 * one at debug, and one line when an answer gets through again. A Discord outage would
 * otherwise write a line per interaction.
 */
export class UnansweredInteractions {
  private missed = 0;

  constructor(private readonly logger: Logger) {}

  failed(error: unknown, interactionId: string): void {
    this.missed += 1;
    if (this.missed === 1)
      this.logger.error(
        { err: error, interaction: interactionId },
        'interactions cannot be answered: Discord did not take the answer (logged once until answers get through again)',
      );
    else
      this.logger.debug(
        { err: error, interaction: interactionId },
        'an interaction could not be answered',
      );
  }

  answered(): void {
    if (this.missed === 0) return;
    this.logger.info({ unanswered: this.missed }, 'interactions are being answered again');
    this.missed = 0;
  }
}
