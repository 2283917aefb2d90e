import { Controller, Get } from '@nestjs/common';
import { TrackerService } from '@tracker-auth/nestjs';

/** Service mode: the app's own credential (TrackerService, injected by type). */
@Controller()
export class TrackerController {
  constructor(private readonly tracker: TrackerService) {}

  /** Who the app is in Tracker. */
  @Get('me')
  async me() {
    const user = await this.tracker.verifyAccess();
    return { uid: user.uid, login: user.login, display: user.display };
  }

  @Get('queues')
  async queues() {
    const queues = await this.tracker.client.get('queues').json<Array<{ key: string; name: string }>>();
    return queues.map(({ key, name }) => ({ key, name }));
  }
}
