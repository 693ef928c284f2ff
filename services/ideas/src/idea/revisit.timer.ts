// Returns deferred ideas to review when their revisit date comes, on a timer inside the service.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { newEventId } from '@hc/contracts';
import { SERVICE_RUNTIME, type ServiceRuntime } from '@hc/service-kit';
import { IdeasService } from './ideas.service.js';

export const REVISIT_INTERVAL = Symbol('RevisitInterval');

/**
 * Each instance runs it; that is safe: a second instance finds the idea already under review and
 * the decision refuses to return it twice.
 */
@Injectable()
export class RevisitTimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly ideas: IdeasService,
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    @Inject(REVISIT_INTERVAL) private readonly intervalMs: number | false,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs === false) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.tick());
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async tick(): Promise<void> {
    try {
      const result = await this.ideas.returnDueIdeasToReview(null, `revisit-${newEventId()}`);
      if (result.ok && result.value > 0)
        this.runtime.logger.info({ returned: result.value }, 'deferred ideas returned to review');
    } catch (error) {
      this.runtime.logger.error({ err: error }, 'returning deferred ideas to review failed');
    }
  }
}
