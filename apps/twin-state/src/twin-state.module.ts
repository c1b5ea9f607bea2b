import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ReadyGuard } from './health/ready.guard';
import type { Infrastructure } from '@twinlog/service-kit';
import { AdminHttpController } from './admin/admin.http.controller';
import { RebuildService } from './admin/rebuild.service';
import { CommandsHttpController } from './commands/commands.http.controller';
import { TwinCommands } from './commands/twin-commands.service';
import type { TwinStateConfig } from './config/twin-state.config';
import { HealthHttpController } from './health/health.http.controller';
import { TwinQueries } from './queries/twin-queries.service';
import { TwinsHttpController } from './queries/twins.http.controller';
import { LiveTwins } from './state/live-twins';
import { LiveTwinsMessageController } from './state/live-twins.message.controller';
import { SnapshotWriter } from './state/snapshot-writer';
import { INFRASTRUCTURE, TWIN_STATE_CONFIG } from './tokens';

@Module({})
export class TwinStateModule {
  static register(config: TwinStateConfig, infra: Infrastructure): DynamicModule {
    return {
      module: TwinStateModule,
      controllers: [
        CommandsHttpController,
        TwinsHttpController,
        AdminHttpController,
        HealthHttpController,
        LiveTwinsMessageController,
      ],
      providers: [
        { provide: INFRASTRUCTURE, useValue: infra },
        { provide: TWIN_STATE_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: ReadyGuard },
        LiveTwins,
        SnapshotWriter,
        TwinCommands,
        TwinQueries,
        RebuildService,
      ],
    };
  }
}
