import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { renderSms, renderVoice } from '../../../../libs/domain/src/content/render-message';
import { segmentSms } from '../../../../libs/domain/src/content/sms-encoding';
import type { AlertContent } from '../../../../libs/domain/src/content/alert-message';
import { Bin, BinsAnswer, CategoriesAnswer, Category, LifecycleAnswer, api } from '../api';
import { navigate, useConsole } from '../context';
import { Said, categoryName, filledTexts, say } from '../alert-words';
import { nativeLanguageName } from '../i18n';
import { LANGUAGES, type Language } from '../../../../libs/domain/src/vocabulary';

type Lang = Language;
type Mode = 'test' | 'live';
type Text = { title: string; body: string; instruction: string; contact: string };
type Texts = Record<Lang, Text>;

const emptyText = (): Text => ({ title: '', body: '', instruction: '', contact: '' });
const emptyTexts = (): Texts => ({ nl: emptyText(), fr: emptyText(), de: emptyText(), en: emptyText() });

/**
 * Compose and send. The SMS counter and the voice script come from the domain's own rendering
 * (libs/domain, bundled as is), so what the operator sees is what members get.
 */
export function ComposePage() {
  const { t, format, session } = useConsole();
  const [bins, setBins] = useState<Bin[] | null>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [category, setCategory] = useState('');
  const [urgency, setUrgency] = useState<'urgent' | 'normal'>('normal');
  const [redistribution, setRedistribution] = useState(true);
  const [redistributionTouched, setRedistributionTouched] = useState(false);
  const [texts, setTexts] = useState<Texts>(emptyTexts());
  const [previewLanguage, setPreviewLanguage] = useState<Lang>('nl');
  const [mode, setMode] = useState<Mode>('test');
  const [problems, setProblems] = useState<Said[]>([]);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const failed = (error: unknown) => setProblems([{ failure: error }]);
    api<BinsAnswer>('/v1/bins')
      .then(({ bins: all }) => setBins(session?.zone ? all.filter((b) => b.policeZone === session.zone) : all))
      .catch(failed);
    api<CategoriesAnswer>('/v1/categories')
      .then(({ categories: all }) => setCategories(all))
      .catch(failed);
  }, [session?.zone]);

  useEffect(() => {
    if (!redistributionTouched) setRedistribution(urgency !== 'urgent');
  }, [urgency, redistributionTouched]);

  const chooseCategory = (code: string) => {
    setCategory(code);
    const found = categories.find((c) => c.code === code);
    if (found) setUrgency(found.defaultUrgency);
  };

  const zoneBins = bins ?? [];
  const allChosen = zoneBins.length > 0 && zoneBins.every((b) => chosen.has(b.id));
  const toggleBin = (id: string) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  const toggleAll = () => setChosen(allChosen ? new Set() : new Set(zoneBins.map((b) => b.id)));
  const chosenNames = zoneBins.filter((b) => chosen.has(b.id)).map((b) => b.name);

  const content: AlertContent = useMemo(
    () => ({ alertId: 'preview', urgency, redistributionAllowed: redistribution, texts: filledTexts(texts) as Partial<Texts> }),
    [urgency, redistribution, texts],
  );
  const hasText = Object.keys(content.texts).length > 0;
  const voiceLanguage: Lang = content.texts[previewLanguage] ? previewLanguage : ((Object.keys(content.texts)[0] as Lang) ?? previewLanguage);

  const check = (): Said[] => {
    const found: Said[] = [];
    if (!category) found.push({ key: 'needCategory' });
    if (chosen.size === 0) found.push({ key: 'needBin' });
    if (!hasText) found.push({ key: 'needText' });
    return found;
  };

  const askConfirmation = (e: Event) => {
    e.preventDefault();
    const found = check();
    setProblems(found);
    if (found.length === 0) dialog.current?.showModal();
  };

  const confirmed = async () => {
    dialog.current?.close();
    setBusy(true);
    try {
      // A test alert is a real send that reaches the test group only, every message marked TEST (ADR 0008).
      const created = await api<LifecycleAnswer>('/v1/alerts', {
        method: 'POST',
        json: { category, urgency, bins: [...chosen], redistributionAllowed: redistribution, texts: content.texts, kind: mode === 'live' ? 'actual' : 'test' },
      });
      navigate(`/alerts/${created.id}`);
    } catch (error) {
      setProblems([{ failure: error }]);
    } finally {
      setBusy(false);
    }
  };

  const urgencyWord = t(urgency === 'urgent' ? 'urgentLower' : 'normalLower');
  const selectedCategory = categories.find((c) => c.code === category);

  return (
    <section class={`compose mode-${mode}`} aria-labelledby="compose-title">
      <h1 id="compose-title">{t('composeTitle')}</h1>
      <fieldset class="mode">
        <legend>{t('modeLegend')}</legend>
        {(['test', 'live'] as const).map((m) => (
          <label class={`mode-option mode-option-${m}`}>
            <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
            {t(m === 'test' ? 'modeTest' : 'modeLive')}
          </label>
        ))}
      </fieldset>
      <p class={`banner banner-${mode}`} role="status" data-testid="mode-banner">
        {t(mode === 'test' ? 'bannerTest' : 'bannerLive')}
      </p>
      {problems.length > 0 && (
        <div class="problem" role="alert">
          <p>{t('problems')}</p>
          <ul>
            {problems.map((p) => (
              <li>{say(t, p)}</li>
            ))}
          </ul>
        </div>
      )}
      <form onSubmit={askConfirmation} noValidate>
        <fieldset>
          <legend>
            {t('binsLegend')} <span class="hint">({t('binsChosen', { n: chosen.size })})</span>
          </legend>
          {bins === null ? (
            <p>{t('loading')}</p>
          ) : zoneBins.length === 0 ? (
            <p>{t('noBinsInZone')}</p>
          ) : (
            <>
              <label class="all-bins">
                <input type="checkbox" checked={allChosen} onChange={toggleAll} />
                {t('allBins', { n: zoneBins.length, zone: session?.zone ?? '' })}
              </label>
              <div class="bin-grid">
                {zoneBins.map((b) => (
                  <label>
                    <input type="checkbox" name="bins" value={b.id} checked={chosen.has(b.id)} onChange={() => toggleBin(b.id)} />
                    {b.name}
                    {b.kind === 'BINZ' && <span class="hint"> (BINZ)</span>}
                  </label>
                ))}
              </div>
            </>
          )}
        </fieldset>

        <div class="row">
          <div>
            <label for="category">{t('category')}</label>
            <select id="category" value={category} onChange={(e) => chooseCategory(e.currentTarget.value)}>
              <option value="">—</option>
              {categories.map((c) => (
                <option value={c.code}>{categoryName(t, c.code, c.name)}</option>
              ))}
            </select>
          </div>
          <fieldset class="inline">
            <legend>{t('urgency')}</legend>
            {(['urgent', 'normal'] as const).map((u) => (
              <label>
                <input type="radio" name="urgency" value={u} checked={urgency === u} onChange={() => setUrgency(u)} />
                {t(u)}
                {selectedCategory?.defaultUrgency === u && <span class="hint"> ({t('categoryDefault')})</span>}
              </label>
            ))}
          </fieldset>
        </div>
        <label class="toggle">
          <input
            type="checkbox"
            name="redistribution"
            checked={redistribution}
            onChange={(e) => {
              setRedistributionTouched(true);
              setRedistribution(e.currentTarget.checked);
            }}
          />
          {t('redistribution')}
        </label>

        <fieldset>
          <legend>{t('textsLegend')}</legend>
          <div class="texts">
            {LANGUAGES.map((lang) => (
              <LanguageText lang={lang} text={texts[lang]} content={content} onChange={(text) => setTexts({ ...texts, [lang]: text })} onFocus={() => setPreviewLanguage(lang)} />
            ))}
          </div>
        </fieldset>

        <section class="voice-preview" aria-live="polite">
          <h2>{t('voicePreview', { lang: format.languageName(voiceLanguage) })}</h2>
          <p data-testid="voice-script" lang={voiceLanguage}>
            {hasText ? renderVoice(content, voiceLanguage).script : t('voiceNone')}
          </p>
        </section>

        <button type="submit" class={`send send-${mode}`} disabled={busy}>
          {busy ? t('sending') : t(mode === 'live' ? 'sendLive' : 'sendTest')}
        </button>
      </form>

      <dialog ref={dialog} class={`confirm confirm-${mode}`} aria-labelledby="confirm-title">
        <h2 id="confirm-title">{t(mode === 'live' ? 'confirmLiveTitle' : 'confirmTestTitle')}</h2>
        <p>{t(mode === 'live' ? 'confirmLive' : 'confirmTest', { urgency: urgencyWord, n: chosen.size, bins: chosenNames.join(', ') })}</p>
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('cancel')}
          </button>
          <button type="button" class={`send send-${mode}`} onClick={() => void confirmed()}>
            {mode === 'live' ? t('confirmSendLive', { n: chosen.size }) : t('confirmSendTest')}
          </button>
        </div>
      </dialog>
    </section>
  );
}

function LanguageText(props: { lang: Lang; text: Text; content: AlertContent; onChange(text: Text): void; onFocus(): void }) {
  const { t, format } = useConsole();
  const { lang, text } = props;
  const filled = props.content.texts[lang];
  const sms = filled ? renderSms(props.content, lang) : null;
  const warning = sms ? segmentSms(sms.body).nonGsmCharacters : [];
  const counterId = `sms-${lang}`;
  return (
    <div class="language-text" onFocusCapture={props.onFocus}>
      <h3 lang={lang}>
        {nativeLanguageName(lang)} <span class="hint">({t('optional')})</span>
      </h3>
      <label for={`title-${lang}`}>{t('title')}</label>
      <input id={`title-${lang}`} lang={lang} maxLength={200} value={text.title} onInput={(e) => props.onChange({ ...text, title: e.currentTarget.value })} />
      <label for={`body-${lang}`}>{t('body')}</label>
      <textarea
        id={`body-${lang}`}
        lang={lang}
        rows={4}
        maxLength={1600}
        aria-describedby={counterId}
        value={text.body}
        onInput={(e) => props.onChange({ ...text, body: e.currentTarget.value })}
      />
      <label for={`instruction-${lang}`}>
        {t('instruction')} <span class="hint">({t('optional')})</span>
      </label>
      <textarea
        id={`instruction-${lang}`}
        lang={lang}
        rows={2}
        maxLength={800}
        value={text.instruction}
        onInput={(e) => props.onChange({ ...text, instruction: e.currentTarget.value })}
      />
      <label for={`contact-${lang}`}>
        {t('contact')} <span class="hint">({t('optional')})</span>
      </label>
      <input id={`contact-${lang}`} lang={lang} maxLength={200} value={text.contact} onInput={(e) => props.onChange({ ...text, contact: e.currentTarget.value })} />
      <p id={counterId} class={`counter${warning.length > 0 ? ' warn' : ''}`} data-testid={counterId} aria-live="polite">
        {sms ? t('smsCounter', { segments: format.number(sms.segments), encoding: sms.encoding, units: format.number(segmentSms(sms.body).units) }) : '—'}
        {warning.length > 0 && (
          <>
            <br />
            <strong>{t('gsmWarning', { chars: warning.map((c) => `“${c}”`).join(' ') })}</strong>
          </>
        )}
      </p>
    </div>
  );
}
