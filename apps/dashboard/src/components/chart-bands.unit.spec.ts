import { BAND_FILL, bandEdge, uplotBands } from './chart-bands';

describe('chart bands', () => {
  it("maps a chart's series indices to uPlot's, which count the x values as series 0", () => {
    expect(uplotBands([{ high: 2, low: 0 }])).toEqual([{ series: [3, 1], fill: BAND_FILL }]);
    expect(uplotBands([])).toEqual([]);
  });

  it('draws an edge thin, in the band colour, without points', () => {
    expect(bandEdge('P90')).toMatchObject({ label: 'P90', width: 1, points: { show: false } });
  });
});
