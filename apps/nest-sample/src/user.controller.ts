import { Controller, Get } from '@nestjs/common';
import { InjectTrackerUserClient, type TrackerClient } from '@tracker-auth/nestjs';

/**
 * User mode: the signed-in user's own Tracker client (request-scoped, from the sealed session
 * cookie that GET /auth/sign-in → /auth/callback set). Without a session: 401 SIGN_IN_REQUIRED.
 */
@Controller('user')
export class UserController {
  constructor(@InjectTrackerUserClient() private readonly tracker: TrackerClient) {}

  @Get('me')
  async me() {
    const user = await this.tracker.get('myself').json<{ uid: number; login: string; display: string }>();
    return { uid: user.uid, login: user.login, display: user.display };
  }
}
