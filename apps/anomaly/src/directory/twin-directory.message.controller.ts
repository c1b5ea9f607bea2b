import { eventFeedController } from '@twinlog/nest-transport';
import { TwinDirectory } from '@twinlog/service-kit';
import { DIRECTORY_FEED } from '../tokens';

/** Keeps the directory (models, limits, status of every twin) following twin-events. */
export const TwinDirectoryMessageController = eventFeedController(TwinDirectory, DIRECTORY_FEED);
