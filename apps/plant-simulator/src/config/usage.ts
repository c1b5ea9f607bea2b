/** The plant simulator's --help (docs/tools/plant-simulator.md says more). */
export const USAGE = `simulate-plant: feeds a running Twinlog with a simulated plant or a replayed CSV file

  npm run simulate-plant -- [options]

Where to:
  --target URL          ingestion's HTTP API (default http://127.0.0.1:8081)
  --mqtt URL            publish over MQTT instead (QoS 1), e.g. mqtt://127.0.0.1:1883
  --mqtt-topic PATTERN  ingestion's topic pattern (default plant/{site}/{twinId}/telemetry)
  --mqtt-user NAME      the broker login (the shipped ACL's gateway-<site>), with
  --mqtt-password-file FILE  its password (not a flag: the process list would show it)
  --twin-state URL      twin-state's HTTP API (default http://127.0.0.1:8082)
  --register            register the twins first (already registered is fine); tool changes
                        are then recorded as maintenance (--no-maintenance: not)

The plant (default): a production line of CNC machines with spindle, tool and coolant twins
  --machines N          machines on the line (default 3)
  --seed N              the same seed gives the same plant, readings and faults (default 42)
  --site NAME           the twins' site, also the {site} of MQTT topics (default demo-plant)
  --timeline NAME       faults over time: demo (within the first hour), week, none (default demo)
  --faults FILE.json    your own fault list instead (see docs/tools/plant-simulator.md)
  --models DIR          twin models to take the machine physics from (default: the seed models)

A CSV replay instead:
  --replay FILE.csv     a time column and value columns (',' ';' or tab separated, SKAB works)
  --twin ID             the twin that unprefixed --map targets belong to
  --map COL=[TWIN/]PROPERTY[@UNIT]   a value column to a twin's property (repeat per column)
  --time-column NAME    the time column (default: datetime/timestamp/time/date/ts, else the first)
  --twin-type [ID=]TYPE with --register: the twins' model types
  --keep-time           keep the file's own times (the twins must be commissioned before them)

Pace:
  --speed S             plant seconds per wall second (default 1); a fast run starts in the past
                        and runs live once it reaches the present
  --rate R              readings per wall second (sets the sample interval, or a replay's speed)
  --interval DURATION   plant time between samples (default 1s)
  --start TIME          plant time of the first sample: now, now-2h or ISO 8601 with a zone
  --duration DURATION   stop after this much wall time (e.g. 90s, 10m, 2h)
  --readings N          stop after this many readings
  --batch N             readings per request (default 1000)
  --concurrency N       requests in flight (default 1)
  --drain-timeout DUR   on Ctrl-C, how long to keep delivering what is queued (default 10s)
  --json                print the final counters as JSON on stdout

Progress goes to stderr. Exit code: 0 all readings delivered and accepted, 1 some rejected or
undelivered (or twins registered as something else), 2 bad options or input.`;
