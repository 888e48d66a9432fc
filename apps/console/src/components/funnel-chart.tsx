import { useConsole } from '../context';

export interface Bar {
  key: string;
  label: string;
  value: number;
  tone: 'plan' | 'progress' | 'good' | 'bad' | 'muted';
}

const ROW = 26;
const LABEL_WIDTH = 120;
const BAR_WIDTH = 190;
const VALUE_WIDTH = 50;

/**
 * Horizontal bars on one scale (the largest value), drawn as inline SVG: no chart library, and
 * nothing that a strict Content-Security-Policy would refuse. The numbers are text, so screen
 * readers and tests read them; the SVG is labelled as a whole.
 */
export function FunnelChart(props: { bars: Bar[]; title: string; testId?: string }) {
  const { format } = useConsole();
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const height = props.bars.length * ROW;
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  return (
    <svg
      class="funnel"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${props.title}: ${props.bars.map((b) => `${b.label} ${format.number(b.value)}`).join(', ')}`}
      data-testid={props.testId}
    >
      {props.bars.map((bar, i) => {
        const y = i * ROW;
        const w = bar.value === 0 ? 0 : Math.max(2, (bar.value / max) * BAR_WIDTH);
        return (
          <g data-stage={bar.key} data-value={bar.value}>
            <text x={LABEL_WIDTH - 8} y={y + ROW / 2} text-anchor="end" dominant-baseline="middle" class="funnel-label">
              {bar.label}
            </text>
            <rect x={LABEL_WIDTH} y={y + 5} width={BAR_WIDTH} height={ROW - 10} class="funnel-track" />
            <rect x={LABEL_WIDTH} y={y + 5} width={w} height={ROW - 10} class={`funnel-bar tone-${bar.tone}`} />
            <text x={LABEL_WIDTH + BAR_WIDTH + 8} y={y + ROW / 2} dominant-baseline="middle" class="funnel-value">
              {format.number(bar.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
