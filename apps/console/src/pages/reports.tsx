import { useEffect, useState } from 'preact/hooks';
import { BinsAnswer, CategoriesAnswer, Category, api } from '../api';
import { DownloadCsv } from '../components/download-csv';
import { Said, categoryName, say } from '../alert-words';
import { ColumnChart, ColumnSeries } from '../components/column-chart';
import { useConsole } from '../context';
import type { Translate } from '../i18n';
import type { MembershipCountRow, MessagesSentRow, ReportAnswer } from '../../../../libs/domain/src/reports/report-rows';
import { REPORT_CHANNELS, membershipByBin, messagesPerMonth, reportQuery } from '../reports';

const YEARS_BACK = 5;

function YearPicker(props: { year: number; onChange(year: number): void }) {
  const { t } = useConsole();
  const now = new Date().getFullYear();
  return (
    <label class="inline-field">
      {t('year')}{' '}
      <select value={props.year} onChange={(e) => props.onChange(Number(e.currentTarget.value))}>
        {Array.from({ length: YEARS_BACK }, (_, i) => now - i).map((y) => (
          <option value={y}>{y}</option>
        ))}
      </select>
    </label>
  );
}

/** Checkboxes for a filter where none chosen means all. */
function Choices(props: { legend: string; options: Array<{ id: string; label: string }>; chosen: string[]; onChange(chosen: string[]): void; name: string }) {
  const { t } = useConsole();
  return (
    <fieldset class="inline choices">
      <legend>
        {props.legend} <span class="hint">({t('noneMeansAll')})</span>
      </legend>
      {props.options.map((o) => (
        <label>
          <input
            type="checkbox"
            name={props.name}
            value={o.id}
            checked={props.chosen.includes(o.id)}
            onChange={(e) => props.onChange(e.currentTarget.checked ? [...props.chosen, o.id] : props.chosen.filter((c) => c !== o.id))}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

function ReportState(props: { problem: Said | null; loading: boolean }) {
  const { t } = useConsole();
  if (props.problem)
    return (
      <p class="problem" role="alert">
        {say(t, props.problem)}
      </p>
    );
  return props.loading ? <p>{t('loading')}</p> : null;
}

/** Reads a report of the caller's scope for a year; the API decides which BINs that scope holds. */
function useReport<T>(path: string, year: number): { data: ReportAnswer<T> | null; problem: Said | null } {
  const [data, setData] = useState<ReportAnswer<T> | null>(null);
  const [problem, setProblem] = useState<Said | null>(null);
  useEffect(() => {
    let current = true;
    setData(null);
    setProblem(null);
    api<ReportAnswer<T>>(`${path}?${reportQuery(year, [])}`)
      .then((answer) => current && setData(answer))
      .catch((error: unknown) => current && setProblem({ failure: error }));
    return () => {
      current = false;
    };
  }, [path, year]);
  return { data, problem };
}

function useBinNames(): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    api<BinsAnswer>('/v1/bins')
      .then(({ bins }) => setNames(Object.fromEntries(bins.map((b) => [b.id, b.name]))))
      .catch(() => undefined);
  }, []);
  return names;
}

function channelSeries(t: Translate): ColumnSeries[] {
  return REPORT_CHANNELS.map((c) => ({ key: c, label: t(c), tone: `channel-${c}` }));
}

/** The boards' yearly history: messages that reached members per month and channel, by BIN and category. */
export function HistoryPage() {
  const { t, format } = useConsole();
  const [year, setYear] = useState(new Date().getFullYear());
  const [bins, setBins] = useState<string[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [categoryNames, setCategoryNames] = useState<Category[]>([]);
  const names = useBinNames();
  const { data, problem } = useReport<MessagesSentRow>('/v1/reports/messages', year);
  useEffect(() => {
    api<CategoriesAnswer>('/v1/categories')
      .then(({ categories: all }) => setCategoryNames(all))
      .catch(() => undefined);
  }, []);

  const months = data ? messagesPerMonth(data.rows, year, { bins, categories }) : [];
  const total = (c: (typeof REPORT_CHANNELS)[number]) => months.reduce((s, m) => s + m[c], 0);
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">{t('historyTitle')}</h1>
      <p class="hint">{t('scopeHint')}</p>
      <YearPicker year={year} onChange={setYear} />
      {data && <Choices legend={t('binsLegend')} name="report-bins" options={data.bins.map((id) => ({ id, label: names[id] ?? id }))} chosen={bins} onChange={setBins} />}
      <Choices
        legend={t('category')}
        name="report-categories"
        options={categoryNames.map((c) => ({ id: c.code, label: categoryName(t, c.code, c.name) }))}
        chosen={categories}
        onChange={setCategories}
      />
      <ReportState problem={problem} loading={!data && !problem} />
      {data && (
        <>
          <DownloadCsv path={`/v1/reports/messages?${reportQuery(year, [])}`} hint="downloadCsvHint" />
          <h2>{t('messagesChart', { year })}</h2>
          <ColumnChart
            title={t('messagesChart', { year })}
            series={channelSeries(t)}
            groups={months.map((m) => ({ key: m.month, label: format.month(m.month), values: { sms: m.sms, email: m.email, voice: m.voice } }))}
            testId="messages-chart"
          />
          <table class="report" data-testid="messages-table">
            <caption class="visually-hidden">{t('messagesChart', { year })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('month')}</th>
                {REPORT_CHANNELS.map((c) => (
                  <th scope="col">{t(c)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {months.map((m) => (
                <tr data-month={m.month}>
                  <th scope="row">{format.month(m.month)}</th>
                  {REPORT_CHANNELS.map((c) => (
                    <td class="num" data-channel={c} data-value={m[c]}>
                      {format.number(m[c])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('total')}</th>
                {REPORT_CHANNELS.map((c) => (
                  <td class="num" data-channel={c} data-total data-value={total(c)}>
                    {format.number(total(c))}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
        </>
      )}
    </section>
  );
}

/** Per BIN: active members at each month's end, and who joined and resigned, for a year. */
export function MembershipPage() {
  const { t, format } = useConsole();
  const [year, setYear] = useState(new Date().getFullYear());
  const [shown, setShown] = useState<string | null>(null);
  const names = useBinNames();
  const { data, problem } = useReport<MembershipCountRow>('/v1/reports/membership', year);
  const bins = data ? membershipByBin(data.rows, year) : [];
  // Until one is chosen, the chart shows the largest BIN rather than an empty one.
  const selected = bins.find((b) => b.binId === shown) ?? [...bins].sort((a, b) => b.active - a.active)[0];
  const series: ColumnSeries[] = [
    { key: 'active', label: t('activeMembers'), tone: 'plan' },
    { key: 'joined', label: t('joined'), tone: 'good' },
    { key: 'resigned', label: t('resigned'), tone: 'bad' },
  ];
  return (
    <section aria-labelledby="membership-title">
      <h1 id="membership-title">{t('membershipTitle')}</h1>
      <p class="hint">{t('scopeHint')}</p>
      <YearPicker year={year} onChange={setYear} />
      <ReportState problem={problem} loading={!data && !problem} />
      {data && (
        <>
          <DownloadCsv path={`/v1/reports/membership?${reportQuery(year, [])}`} hint="downloadCsvHint" />
          <table class="report" data-testid="membership-table">
            <caption class="visually-hidden">{t('membershipTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">BIN</th>
                <th scope="col">{t('activeMembers')}</th>
                <th scope="col">{t('joined')}</th>
                <th scope="col">{t('resigned')}</th>
              </tr>
            </thead>
            <tbody>
              {bins.map((b) => (
                <tr data-bin={b.binId}>
                  <th scope="row">{names[b.binId] ?? b.binId}</th>
                  <td class="num" data-column="active" data-value={b.active}>
                    {format.number(b.active)}
                  </td>
                  <td class="num" data-column="joined" data-value={b.joined}>
                    {format.number(b.joined)}
                  </td>
                  <td class="num" data-column="resigned" data-value={b.resigned}>
                    {format.number(b.resigned)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {selected && (
            <>
              <label class="inline-field">
                {t('chartFor')}{' '}
                <select value={selected.binId} onChange={(e) => setShown(e.currentTarget.value)}>
                  {bins.map((b) => (
                    <option value={b.binId}>{names[b.binId] ?? b.binId}</option>
                  ))}
                </select>
              </label>
              <h2>{t('membershipChart', { bin: names[selected.binId] ?? selected.binId, year })}</h2>
              <ColumnChart
                title={t('membershipChart', { bin: names[selected.binId] ?? selected.binId, year })}
                series={series}
                groups={selected.months.map((m) => ({ key: m.month, label: format.month(m.month), values: { active: m.active, joined: m.joined, resigned: m.resigned } }))}
                testId="membership-chart"
              />
            </>
          )}
        </>
      )}
    </section>
  );
}
