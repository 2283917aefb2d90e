import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TrackerAuthModule } from '@tracker-auth/nestjs';
import { trackerOptionsFrom } from './config';
import { IssuesModule } from './issues.module';
import { SignInErrorController } from './sign-in-error.controller';
import { TrackerController } from './tracker.controller';
import { UserController } from './user.controller';

export interface AppModuleOptions {
  /** Configuration defaults (the embedded fake's); environment variables win over them. */
  defaults?: Record<string, string>;
  /** Serve /auth/sign-in, /auth/callback, /auth/sign-out and /user/me. */
  signIn: boolean;
}

@Module({})
export class AppModule {
  static register(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => options.defaults ?? {}] }),
        TrackerAuthModule.forRootAsync({
          isGlobal: true,
          signInRoutes: options.signIn,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: trackerOptionsFrom,
        }),
        IssuesModule,
      ],
      controllers: [TrackerController, ...(options.signIn ? [UserController, SignInErrorController] : [])],
    };
  }
}
