import { niceMaximum } from '../reports';
import { useConsole } from '../context';

export interface ColumnSeries {
  key: string;
  label: string;
  tone: string;
}

export interface ColumnGroup {
  key: string;
  label: string;
  values: Record<string, number>;
}

const HEIGHT = 180;
const AXIS = 36;
const TOP = 12;
const GROUP_WIDTH = 54;
const LEGEND = 24;

/**
 * Grouped columns (e.g. months × channels) as inline SVG, like the funnel: no chart library,
 * nothing a strict Content-Security-Policy refuses. The SVG carries one label with every number,
 * and each column its value as data, so screen readers and tests read the same figures; the page
 * shows the same figures as a table too.
 */
export function ColumnChart(props: { title: string; series: ColumnSeries[]; groups: ColumnGroup[]; testId?: string }) {
  const { format } = useConsole();
  const max = niceMaximum(Math.max(0, ...props.groups.flatMap((g) => props.series.map((s) => g.values[s.key] ?? 0))));
  const width = AXIS + props.groups.length * GROUP_WIDTH;
  const column = (GROUP_WIDTH - 10) / props.series.length;
  const y = (v: number) => TOP + HEIGHT - (v / max) * HEIGHT;
  const summary = props.groups.map((g) => `${g.label}: ${props.series.map((s) => `${s.label} ${format.number(g.values[s.key] ?? 0)}`).join(', ')}`).join('; ');
  return (
    <svg class="columns" viewBox={`0 0 ${width} ${TOP + HEIGHT + 20 + LEGEND}`} role="img" aria-label={`${props.title}. ${summary}`} data-testid={props.testId}>
      {[0, max / 2, max].map((tick) => (
        <g>
          <line x1={AXIS} x2={width} y1={y(tick)} y2={y(tick)} class="columns-grid" />
          <text x={AXIS - 6} y={y(tick)} text-anchor="end" dominant-baseline="middle" class="columns-label">
            {format.number(tick)}
          </text>
        </g>
      ))}
      {props.groups.map((g, i) => (
        <g data-group={g.key}>
          {props.series.map((s, j) => {
            const value = g.values[s.key] ?? 0;
            return (
              <rect
                x={AXIS + i * GROUP_WIDTH + 5 + j * column}
                y={y(value)}
                width={column - 1}
                height={TOP + HEIGHT - y(value)}
                class={`columns-bar tone-${s.tone}`}
                data-series={s.key}
                data-value={value}
              />
            );
          })}
          <text x={AXIS + i * GROUP_WIDTH + GROUP_WIDTH / 2} y={TOP + HEIGHT + 14} text-anchor="middle" class="columns-label">
            {g.label}
          </text>
        </g>
      ))}
      {props.series.map((s, j) => (
        <g transform={`translate(${AXIS + j * 150}, ${TOP + HEIGHT + 24})`}>
          <rect width="12" height="12" class={`columns-bar tone-${s.tone}`} />
          <text x="18" y="10" class="columns-label">
            {s.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
