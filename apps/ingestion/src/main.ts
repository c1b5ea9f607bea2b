import { runServiceProcess } from '@twinlog/service-kit';
import { readIngestionConfig } from './config/ingestion.config';
import { ingestionService } from './ingestion.app';

/** The ingestion service as its own process (distributed mode, or embedded on its own). */
runServiceProcess('ingestion', () => {
  // eslint-disable-next-line no-restricted-syntax -- main is where the environment enters
  const config = readIngestionConfig(process.env);
  return { definition: ingestionService(config), settings: config.service };
});
