import { Body, Controller, HttpCode, Injectable, Module, Post, UseGuards } from '@nestjs/common';
import { TrackerService } from '@tracker-auth/nestjs';
import { LocalSameSiteGuard } from './local-same-site.guard';

export interface NewIssue {
  queue: string;
  summary: string;
  description?: string;
}

/** A feature module that does not import TrackerAuthModule: it is global (isGlobal: true). */
@Injectable()
export class IssuesService {
  constructor(private readonly tracker: TrackerService) {}

  async create(issue: NewIssue) {
    // Tracker validates the fields; its 422 reaches the caller through TrackerExceptionFilter.
    const created = await this.tracker.client
      .post('issues', { json: { queue: issue.queue, summary: issue.summary, description: issue.description } })
      .json<{ key: string; summary: string }>();
    return { key: created.key, summary: created.summary };
  }
}

@Controller('issues')
export class IssuesController {
  constructor(private readonly issues: IssuesService) {}

  /** Local-only and same-site (see LocalSameSiteGuard): it uses the app's own credential. */
  @Post()
  @HttpCode(201)
  @UseGuards(LocalSameSiteGuard)
  create(@Body() body: NewIssue) {
    return this.issues.create(body ?? ({} as NewIssue));
  }
}

@Module({ providers: [IssuesService], controllers: [IssuesController] })
export class IssuesModule {}
