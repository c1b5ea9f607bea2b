import { ModelCatalog, type TwinModel } from '@twinlog/domain';

export interface BenchVariant {
  name: string;
  catalog: ModelCatalog;
}

type ModelChange = (model: TwinModel) => TwinModel;

/**
 * The monitors a run can compare, by name: the models as shipped (`models`) and as they were
 * before issue 23 (`main`: no operating states, the default warm-up of 400 vectors, the spindle
 * temperature's baseline on), or parts joined by `+`: `no-states` drops the declared operating
 * states, `warmN` sets the machine's and the spindle's multivariate warm-up to N vectors,
 * `warm-default` back to the library's, `settleN` the vectors not judged after a change of
 * operating state, `spindle-baseline` the spindle motor temperature's baseline back on.
 */
export function benchVariant(name: string, catalog: ModelCatalog): BenchVariant {
  const changes: ModelChange[] = [];
  const parts =
    name === 'main' ? ['no-states', 'warm-default', 'spindle-baseline'] : name.split('+');
  for (const part of parts) {
    const warm = /^warm(\d+)$/.exec(part);
    const settle = /^settle(\d+)$/.exec(part);
    if (part === 'models') continue;
    else if (settle) changes.push(withSettle(Number(settle[1])));
    else if (part === 'no-states') changes.push(withoutOperatingStates);
    else if (part === 'warm-default') changes.push(withWarmUp(undefined));
    else if (part === 'spindle-baseline') changes.push(withSpindleTemperatureBaseline);
    else if (warm) changes.push(withWarmUp(Number(warm[1])));
    else
      throw new Error(
        `unknown variant part ${part} (main, models, no-states, warm-default, spindle-baseline, warmN, settleN)`,
      );
  }
  const changed = (model: TwinModel) => changes.reduce((m, change) => change(m), model);
  return { name, catalog: changes.length === 0 ? catalog : rebuilt(catalog, changed) };
}

/** The models as they were before operating states: the monitor judges every vector alike. */
function withoutOperatingStates(model: TwinModel): TwinModel {
  if (!model.anomaly?.operatingStates) return model;
  const { operatingStates: _dropped, ...anomaly } = model.anomaly;
  return { ...model, anomaly };
}

/** The machine's and the spindle's multivariate warm-up (undefined: the library default, 400). */
function withWarmUp(warmUp: number | undefined): ModelChange {
  return (model) => {
    if (model.type !== 'cnc-milling-machine' && model.type !== 'spindle-motor') return model;
    const { warmUp: _old, ...multivariate } = model.anomaly?.multivariate ?? {};
    return {
      ...model,
      anomaly: {
        ...model.anomaly,
        multivariate: warmUp === undefined ? multivariate : { ...multivariate, warmUp },
      },
    };
  };
}

function withSettle(settle: number): ModelChange {
  return (model) => {
    const states = model.anomaly?.operatingStates;
    return states
      ? { ...model, anomaly: { ...model.anomaly, operatingStates: { ...states, settle } } }
      : model;
  };
}

/** The spindle motor's winding temperature with the default baseline, as before issue 23. */
function withSpindleTemperatureBaseline(model: TwinModel): TwinModel {
  const temperature = model.properties['temperature'];
  if (model.type !== 'spindle-motor' || !temperature) return model;
  const { anomaly: _off, ...spec } = temperature;
  return { ...model, properties: { ...model.properties, temperature: spec } };
}

function rebuilt(catalog: ModelCatalog, change: ModelChange): ModelCatalog {
  return ModelCatalog.of(
    catalog.types().map((type) => ({ model: change(catalog.get(type)), source: type })),
  );
}
