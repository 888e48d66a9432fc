import type { Channel, Language } from '@bin-alert/domain';

/**
 * Everything the member pages say, in the four languages of Belgium's police zones and English.
 * One interface for all four, so a sentence missing in one language does not compile.
 */
export interface MemberWords {
  htmlTitleSuffix: string;
  brand: string;
  tagline: string;
  skipToContent: string;
  languageSwitch: string;
  footer: string;
  /** The names members see for a channel. */
  channel: Record<Channel, string>;
  /** A list of items in running text: "SMS, e-mail and voice call". */
  and: string;
  nothing: string;

  errorSummary: string;
  rateLimited: (minutes: number) => string;
  somethingWrong: string;
  notFoundTitle: string;
  notFound: string;
  backToStart: string;

  join: {
    title: string;
    intro: string;
    name: string;
    language: string;
    languageHint: string;
    bins: string;
    binsHint: string;
    contactLegend: string;
    contactHint: string;
    email: string;
    mobile: string;
    mobileHint: string;
    phone: string;
    phoneHint: string;
    consent: string;
    privacy: string;
    submit: string;
    alreadyMember: string;
    askLink: string;
  };
  reasons: {
    required: string;
    notEmail: string;
    notMobile: string;
    notPhone: string;
    atLeastOneBin: string;
    atMostBins: string;
    /** No contact at all: an e-mail address, a mobile or a phone for calls is needed. */
    emailOrMobile: string;
    consent: string;
    unknownBin: string;
    tooLong: string;
    clockTime: string;
    sixDigits: string;
  };
  application: {
    title: string;
    received: string;
    stepEmail: string;
    stepEmailDone: string;
    stepMobile: string;
    stepMobileDone: string;
    stepPhone: string;
    stepPhoneDone: string;
    phoneCodeLabel: string;
    phoneCodeHint: string;
    confirmPhoneCode: string;
    recallCode: string;
    phoneConfirmed: string;
    codeRecalled: string;
    stepBoard: string;
    codeLabel: string;
    codeHint: string;
    confirmCode: string;
    resendCode: string;
    codeConfirmed: string;
    codeResent: string;
    wrongCode: string;
    /** A code refused on a phone that a call confirms: the member heard it, there was no SMS to check. */
    wrongCallCode: string;
    codeExpired: string;
    tooManyAttempts: string;
    noCodeWaiting: string;
    active: string;
  };
  confirmEmail: {
    title: string;
    explain: string;
    button: string;
    done: string;
    contactGone: string;
  };
  preferences: {
    title: string;
    intro: string;
    saved: string;
    fromNextAlert: string;
    categories: string;
    categoriesHint: string;
    mandatory: (category: string) => string;
    optIn: string;
    unverified: string;
    receivesOn: (category: string, channels: string) => string;
    receivesNot: (category: string) => string;
    languageLegend: string;
    languageNow: (languageName: string) => string;
    quietLegend: string;
    quietEnable: string;
    quietFrom: string;
    quietUntil: string;
    quietHint: string;
    quietNow: (start: string, end: string) => string;
    quietNone: string;
    save: string;
    leaveTitle: string;
    leave: string;
    phoneTitle: string;
    phoneIntro: string;
    phoneLabel: string;
    phoneHint: string;
    phoneGive: string;
    phoneReplace: string;
    phoneConfirmedNow: string;
    phonePending: string;
    phoneCalling: string;
    phoneConfirmed: string;
  };
  subscribe: {
    title: (category: string) => string;
    why: (category: string) => string;
    onChannels: (channels: string) => string;
    noChannels: string;
    button: string;
    canUndo: string;
    done: (category: string, channels: string) => string;
    toPreferences: string;
  };
  unsubscribe: {
    title: (category: string) => string;
    explain: string;
    button: string;
    done: (category: string) => string;
    mandatory: (category: string) => string;
    undo: string;
  };
  resign: {
    title: string;
    explain: (bins: string) => string;
    button: string;
    keep: string;
    done: (bins: string) => string;
    erased: string;
    joinAgain: string;
    boardMember: string;
    nothingLeft: string;
  };
  link: {
    expiredTitle: string;
    expired: string;
    invalidTitle: string;
    invalid: string;
    goneTitle: string;
    gone: string;
    newLinkTitle: string;
    newLinkIntro: string;
    email: string;
    send: string;
    sent: string;
    applyAgain: string;
  };
  /**
   * What a category is, by its code: `label` heads a list or a field, `name` stands in a sentence
   * ("messages about burglaries"). Categories the pages do not know show their own name.
   */
  categories: Record<string, { label: string; name: string; about: string }>;
}

const LANGUAGE_NAMES: Record<Language, string> = { nl: 'Nederlands', fr: 'Français', de: 'Deutsch', en: 'English' };

/** Each language named in itself, as a language switch shows it. */
export function languageName(language: Language): string {
  return LANGUAGE_NAMES[language];
}

const NL: MemberWords = {
  htmlTitleSuffix: 'BIN Alert',
  brand: 'BIN Alert',
  tagline: 'Buurtinformatienetwerken van de politiezone',
  skipToContent: 'Naar de inhoud',
  languageSwitch: 'Taal',
  footer: 'Berichten van de politie aan de leden van de buurtinformatienetwerken (BIN). Uw gegevens dienen alleen om u die berichten te sturen.',
  channel: { sms: 'sms', email: 'e-mail', voice: 'telefoonoproep' },
  and: 'en',
  nothing: 'niets',
  errorSummary: 'Kijk deze velden na',
  rateLimited: (m) =>
    `Vanaf deze verbinding kwamen te veel aanvragen binnen. Probeer het over ${m} ${m === 1 ? 'minuut' : 'minuten'} opnieuw. Zo beschermen we leden tegen berichten die ze niet vroegen.`,
  somethingWrong: 'Er ging iets mis aan onze kant. Probeer het over enkele minuten opnieuw.',
  notFoundTitle: 'Pagina niet gevonden',
  notFound: 'Deze pagina bestaat niet (meer).',
  backToStart: 'Lid worden van een BIN',
  join: {
    title: 'Lid worden van een BIN',
    intro:
      'Een buurtinformatienetwerk (BIN) brengt bewoners en de politie samen rond de veiligheid in de buurt. Als lid krijgt u de berichten van de politie: een vermissing, een inbraakgolf, een preventiecampagne.',
    name: 'Naam',
    language: 'Taal van de berichten',
    languageHint: 'Berichten komen in deze taal als de politie ze erin schrijft.',
    bins: 'Uw BIN',
    binsHint: 'Kies één of meer netwerken (hoogstens 5).',
    contactLegend: 'Hoe bereiken we u?',
    contactHint: 'Vul minstens een e-mailadres, een gsm-nummer of een telefoonnummer voor oproepen in. We vragen u elk te bevestigen.',
    email: 'E-mailadres',
    mobile: 'Gsm-nummer',
    mobileHint: 'Voor sms-berichten, bijvoorbeeld 0470 12 34 56.',
    phone: 'Telefoonnummer voor oproepen (vast of gsm)',
    phoneHint: 'Voor gesproken oproepen, ook zonder gsm: bijvoorbeeld 053 72 11 11. We bellen u om het nummer te bevestigen.',
    consent:
      'Ik ga ermee akkoord dat de politiezone mijn naam en contactgegevens bewaart om mij BIN-berichten te sturen. Ik kan mijn lidmaatschap altijd opzeggen; dan worden ze gewist.',
    privacy: 'Een bestuurslid van het BIN keurt uw aanvraag goed. Uw gegevens worden niet doorgegeven.',
    submit: 'Aanvraag versturen',
    alreadyMember: 'Al lid?',
    askLink: 'Vraag een link om uw voorkeuren te wijzigen',
  },
  reasons: {
    required: 'Dit veld is verplicht.',
    notEmail: 'Dit is geen geldig e-mailadres.',
    notMobile: 'Dit is geen gsm-nummer: een sms kan het niet bereiken.',
    notPhone: 'Dit is geen geldig telefoonnummer.',
    atLeastOneBin: 'Kies minstens één BIN.',
    atMostBins: 'Kies hoogstens 5 BIN’s.',
    emailOrMobile: 'Vul een e-mailadres, een gsm-nummer of een telefoonnummer voor oproepen in.',
    consent: 'Vink aan dat u akkoord gaat, anders kunnen we u geen berichten sturen.',
    unknownBin: 'Dit BIN bestaat niet (meer).',
    tooLong: 'Dit is te lang.',
    clockTime: 'Vul een uur in als UU:MM, bijvoorbeeld 22:30.',
    sixDigits: 'De code bestaat uit 6 cijfers.',
  },
  application: {
    title: 'Bedankt voor uw aanvraag',
    received: 'We hebben uw aanvraag ontvangen. Nog deze stappen:',
    stepEmail: 'Bevestig uw e-mailadres met de link in de e-mail die we u stuurden.',
    stepEmailDone: 'Uw e-mailadres is bevestigd.',
    stepMobile: 'Vul hieronder de code in uit de sms die we u stuurden.',
    stepMobileDone: 'Uw gsm-nummer is bevestigd.',
    stepPhone: 'Bevestig uw telefoonnummer voor oproepen: we bellen u nu en zeggen een code van zes cijfers.',
    stepPhoneDone: 'Uw telefoonnummer voor oproepen is bevestigd.',
    phoneCodeLabel: 'Code uit de oproep',
    phoneCodeHint: 'De zes cijfers die de oproep zei.',
    confirmPhoneCode: 'Telefoonnummer bevestigen',
    recallCode: 'Bel mij opnieuw met een nieuwe code',
    phoneConfirmed: 'Uw telefoonnummer voor oproepen is bevestigd.',
    codeRecalled: 'We bellen u opnieuw met een nieuwe code.',
    stepBoard: 'Een bestuurslid van uw BIN keurt uw aanvraag goed. Daarna krijgt u de berichten.',
    codeLabel: 'Code uit de sms',
    codeHint: '6 cijfers, 15 minuten geldig.',
    confirmCode: 'Code bevestigen',
    resendCode: 'Stuur mij een nieuwe code',
    codeConfirmed: 'Uw gsm-nummer is bevestigd.',
    codeResent: 'Er is een nieuwe code onderweg naar uw gsm.',
    wrongCode: 'Die code klopt niet. Kijk de sms na en probeer opnieuw.',
    wrongCallCode: 'Die code klopt niet. Typ de zes cijfers die de oproep zei, of vraag een nieuwe oproep.',
    codeExpired: 'De code is verlopen. Vraag een nieuwe code aan.',
    tooManyAttempts: 'Te veel pogingen. Vraag een nieuwe code aan.',
    noCodeWaiting: 'Er wacht geen code op bevestiging.',
    active: 'U bent lid: de BIN-berichten bereiken u.',
  },
  confirmEmail: {
    title: 'Bevestig uw e-mailadres',
    explain: 'Bevestig met deze knop dat dit e-mailadres van u is. Daarna kan de politie u BIN-berichten mailen.',
    button: 'Mijn e-mailadres bevestigen',
    done: 'Uw e-mailadres is bevestigd.',
    contactGone: 'Dit e-mailadres hoort niet meer bij een aanvraag of lidmaatschap.',
  },
  preferences: {
    title: 'Uw BIN-voorkeuren',
    intro: 'Kies welke berichten u krijgt, langs welke weg, in welke taal en wanneer niet.',
    saved: 'Opgeslagen.',
    fromNextAlert: 'Vanaf het volgende bericht geldt:',
    categories: 'Berichten per onderwerp',
    categoriesHint: 'Vink aan langs welke weg u elk onderwerp wilt krijgen.',
    mandatory: (c) => `${c}: altijd, langs elke bevestigde weg. Bij een vermissing telt elke minuut; dit kunt u niet uitzetten.`,
    optIn: 'Alleen als u het aanvinkt.',
    unverified: 'nog niet bevestigd',
    receivesOn: (c, ch) => `${c}: via ${ch}.`,
    receivesNot: (c) => `${c}: u krijgt deze berichten niet.`,
    languageLegend: 'Taal van de berichten',
    languageNow: (l) => `De berichten komen in het ${l} als de politie ze erin schrijft.`,
    quietLegend: 'Nachtrust',
    quietEnable: 'Geen niet-dringende berichten in deze uren',
    quietFrom: 'Van',
    quietUntil: 'Tot',
    quietHint: 'Dringende berichten, zoals een vermissing, komen altijd meteen. Andere berichten wachten tot het einde van uw nachtrust.',
    quietNow: (s, e) => `Tussen ${s} en ${e} krijgt u alleen dringende berichten; de andere volgen om ${e}.`,
    quietNone: 'U krijgt berichten op elk uur.',
    save: 'Opslaan',
    leaveTitle: 'Geen lid meer?',
    leave: 'Uw lidmaatschap opzeggen',
    phoneTitle: 'Telefoon voor oproepen',
    phoneIntro: 'Bij een dringend bericht kunnen we u bellen, op een vaste lijn of een gsm. Het nummer telt pas nadat u de code invult die we u bij het bevestigen zeggen.',
    phoneLabel: 'Telefoonnummer (vast of gsm)',
    phoneHint: 'Bijvoorbeeld 053 72 11 11 of 0470 12 34 56.',
    phoneGive: 'Bel mij om dit nummer te bevestigen',
    phoneReplace: 'Een ander nummer opgeven',
    phoneConfirmedNow: 'Uw telefoonnummer voor oproepen is bevestigd: berichten kunnen u bellen.',
    phonePending: 'Uw telefoonnummer voor oproepen is nog niet bevestigd: vul de code in die de oproep zei.',
    phoneCalling: 'We bellen u nu. Vul hieronder de code in die de oproep zegt.',
    phoneConfirmed: 'Bevestigd: berichten kunnen u voortaan op dit nummer bellen.',
  },
  subscribe: {
    title: (c) => `Berichten over ${c} ontvangen?`,
    why: (c) => `De BIN-besturen hebben beslist dat berichten over ${c} niet langer standaard naar alle leden gaan. Wilt u ze toch krijgen, dan schrijft u zich hier in.`,
    onChannels: (ch) => `U krijgt ze dan via ${ch}.`,
    noChannels: 'U hebt nog geen bevestigd e-mailadres of gsm-nummer: bevestig dat eerst.',
    button: 'Ja, ik wil deze berichten',
    canUndo: 'U kunt dit altijd weer uitzetten in uw voorkeuren.',
    done: (c, ch) => `U bent ingeschreven. Vanaf het volgende bericht krijgt u berichten over ${c} via ${ch}.`,
    toPreferences: 'Uw voorkeuren bekijken',
  },
  unsubscribe: {
    title: (c) => `Geen berichten over ${c} meer per e-mail?`,
    explain: 'Andere onderwerpen en andere wegen (sms, telefoon) blijven zoals ze zijn.',
    button: 'Uitschrijven',
    done: (c) => `U krijgt geen berichten over ${c} meer per e-mail.`,
    mandatory: (c) => `Berichten over ${c} gaan altijd naar alle leden; daarvoor kunt u zich niet uitschrijven.`,
    undo: 'Toch vergist? Zet het weer aan in uw voorkeuren',
  },
  resign: {
    title: 'Uw lidmaatschap opzeggen',
    explain: (b) => `U verlaat ${b}. U krijgt dan geen BIN-berichten meer en uw naam en contactgegevens worden gewist.`,
    button: 'Lidmaatschap opzeggen',
    keep: 'Toch niet: terug naar uw voorkeuren',
    done: (b) => `U bent geen lid meer van ${b}.`,
    erased: 'Uw naam en contactgegevens zijn gewist.',
    joinAgain: 'Later opnieuw lid worden',
    boardMember: 'Als bestuurslid zegt u uw lidmaatschap op via de politiezone: stuur haar een e-mail.',
    nothingLeft: 'U bent al geen lid meer.',
  },
  link: {
    expiredTitle: 'Deze link is verlopen',
    expired: 'Links in onze e-mails blijven een tijd geldig en vervallen dan, zodat niemand ze later nog kan gebruiken.',
    invalidTitle: 'Deze link werkt niet',
    invalid: 'De link is onvolledig of gewijzigd. Open hem opnieuw vanuit de e-mail, of vraag hieronder een nieuwe.',
    goneTitle: 'Dit lidmaatschap bestaat niet meer',
    gone: 'Bij deze link hoort geen lid meer: het lidmaatschap is opgezegd en de gegevens zijn gewist.',
    newLinkTitle: 'Een nieuwe link',
    newLinkIntro: 'Vul het e-mailadres in waarop u de BIN-berichten krijgt. Hoort het bij een lid, dan sturen we er een link naartoe om uw voorkeuren te wijzigen.',
    email: 'Uw e-mailadres',
    send: 'Stuur mij een link',
    sent: 'Als dit adres bij een lid hoort, is er een link onderweg. Kijk in uw mailbox, ook bij de ongewenste e-mail.',
    applyAgain: 'Was het een aanvraag? Vraag dan opnieuw aan',
  },
  categories: {
    missing_person: { label: 'Vermissing', name: 'vermissing', about: 'Een kind of een kwetsbare volwassene wordt vermist. De politie vraagt uit te kijken.' },
    burglary: { label: 'Inbraak', name: 'inbraak', about: 'Inbraken of verdachte handelingen in uw buurt.' },
    prevention: { label: 'Preventie', name: 'preventie', about: 'Tips en campagnes zoals Quick & Lock.' },
    general: { label: 'Algemeen', name: 'algemeen', about: 'Ander nieuws van de politie voor het BIN.' },
    covid: { label: 'COVID-19', name: 'COVID-19', about: 'Maatregelen en oproepen rond COVID-19.' },
  },
};

const FR: MemberWords = {
  htmlTitleSuffix: 'BIN Alert',
  brand: 'BIN Alert',
  tagline: 'Réseaux d’information de quartier de la zone de police',
  skipToContent: 'Aller au contenu',
  languageSwitch: 'Langue',
  footer: 'Messages de la police aux membres des réseaux d’information de quartier (BIN). Vos données servent uniquement à vous envoyer ces messages.',
  channel: { sms: 'SMS', email: 'e-mail', voice: 'appel vocal' },
  and: 'et',
  nothing: 'rien',
  errorSummary: 'Vérifiez ces champs',
  rateLimited: (m) =>
    `Trop de demandes sont venues de cette connexion. Réessayez dans ${m} minute${m === 1 ? '' : 's'}. Nous protégeons ainsi les membres contre des messages qu’ils n’ont pas demandés.`,
  somethingWrong: 'Un problème est survenu de notre côté. Réessayez dans quelques minutes.',
  notFoundTitle: 'Page introuvable',
  notFound: 'Cette page n’existe pas (ou plus).',
  backToStart: 'Devenir membre d’un BIN',
  join: {
    title: 'Devenir membre d’un BIN',
    intro:
      'Un réseau d’information de quartier (BIN) rassemble les habitants et la police autour de la sécurité du quartier. Comme membre, vous recevez les messages de la police : une disparition, une vague de cambriolages, une campagne de prévention.',
    name: 'Nom',
    language: 'Langue des messages',
    languageHint: 'Les messages arrivent dans cette langue quand la police les y rédige.',
    bins: 'Votre BIN',
    binsHint: 'Choisissez un ou plusieurs réseaux (5 au plus).',
    contactLegend: 'Comment vous joindre ?',
    contactHint: 'Indiquez au moins une adresse e-mail, un numéro de GSM ou un numéro pour les appels. Nous vous demanderons de confirmer chacun.',
    email: 'Adresse e-mail',
    mobile: 'Numéro de GSM',
    mobileHint: 'Pour les SMS, par exemple 0470 12 34 56.',
    phone: 'Numéro pour les appels (fixe ou GSM)',
    phoneHint: 'Pour les appels vocaux, même sans GSM : par exemple 053 72 11 11. Nous vous appelons pour confirmer le numéro.',
    consent:
      'J’accepte que la zone de police conserve mon nom et mes coordonnées pour m’envoyer les messages BIN. Je peux mettre fin à mon adhésion à tout moment ; elles sont alors effacées.',
    privacy: 'Un membre du comité du BIN approuve votre demande. Vos données ne sont pas transmises à des tiers.',
    submit: 'Envoyer la demande',
    alreadyMember: 'Déjà membre ?',
    askLink: 'Demandez un lien pour modifier vos préférences',
  },
  reasons: {
    required: 'Ce champ est obligatoire.',
    notEmail: 'Ce n’est pas une adresse e-mail valable.',
    notMobile: 'Ce n’est pas un numéro de GSM : un SMS ne peut pas l’atteindre.',
    notPhone: 'Ce n’est pas un numéro de téléphone valable.',
    atLeastOneBin: 'Choisissez au moins un BIN.',
    atMostBins: 'Choisissez 5 BIN au plus.',
    emailOrMobile: 'Indiquez une adresse e-mail, un numéro de GSM ou un numéro pour les appels.',
    consent: 'Cochez votre accord, sans quoi nous ne pouvons pas vous envoyer de messages.',
    unknownBin: 'Ce BIN n’existe pas (ou plus).',
    tooLong: 'C’est trop long.',
    clockTime: 'Indiquez une heure au format HH:MM, par exemple 22:30.',
    sixDigits: 'Le code compte 6 chiffres.',
  },
  application: {
    title: 'Merci pour votre demande',
    received: 'Nous avons bien reçu votre demande. Il reste ces étapes :',
    stepEmail: 'Confirmez votre adresse e-mail avec le lien de l’e-mail que nous vous avons envoyé.',
    stepEmailDone: 'Votre adresse e-mail est confirmée.',
    stepMobile: 'Indiquez ci-dessous le code du SMS que nous vous avons envoyé.',
    stepMobileDone: 'Votre numéro de GSM est confirmé.',
    stepPhone: 'Confirmez votre numéro pour les appels : nous vous appelons maintenant et vous disons un code à six chiffres.',
    stepPhoneDone: 'Votre numéro pour les appels est confirmé.',
    phoneCodeLabel: 'Code de l’appel',
    phoneCodeHint: 'Les six chiffres que l’appel a dits.',
    confirmPhoneCode: 'Confirmer le numéro',
    recallCode: 'Rappelez-moi avec un nouveau code',
    phoneConfirmed: 'Votre numéro pour les appels est confirmé.',
    codeRecalled: 'Nous vous rappelons avec un nouveau code.',
    stepBoard: 'Un membre du comité de votre BIN approuve votre demande. Vous recevez ensuite les messages.',
    codeLabel: 'Code reçu par SMS',
    codeHint: '6 chiffres, valable 15 minutes.',
    confirmCode: 'Confirmer le code',
    resendCode: 'Envoyez-moi un nouveau code',
    codeConfirmed: 'Votre numéro de GSM est confirmé.',
    codeResent: 'Un nouveau code est en route vers votre GSM.',
    wrongCode: 'Ce code n’est pas le bon. Vérifiez le SMS et réessayez.',
    wrongCallCode: 'Ce code n’est pas le bon. Tapez les six chiffres que l’appel a dits, ou demandez un nouvel appel.',
    codeExpired: 'Le code a expiré. Demandez-en un nouveau.',
    tooManyAttempts: 'Trop d’essais. Demandez un nouveau code.',
    noCodeWaiting: 'Aucun code n’attend de confirmation.',
    active: 'Vous êtes membre : les messages BIN vous parviennent.',
  },
  confirmEmail: {
    title: 'Confirmez votre adresse e-mail',
    explain: 'Confirmez avec ce bouton que cette adresse e-mail est la vôtre. La police pourra ensuite vous envoyer les messages BIN.',
    button: 'Confirmer mon adresse e-mail',
    done: 'Votre adresse e-mail est confirmée.',
    contactGone: 'Cette adresse e-mail ne correspond plus à une demande ni à une adhésion.',
  },
  preferences: {
    title: 'Vos préférences BIN',
    intro: 'Choisissez quels messages vous recevez, par quel moyen, dans quelle langue et quand pas.',
    saved: 'Enregistré.',
    fromNextAlert: 'À partir du prochain message :',
    categories: 'Messages par sujet',
    categoriesHint: 'Cochez par quel moyen vous voulez recevoir chaque sujet.',
    mandatory: (c) => `${c} : toujours, par chaque moyen confirmé. Lors d’une disparition, chaque minute compte ; ceci ne peut pas être désactivé.`,
    optIn: 'Seulement si vous le cochez.',
    unverified: 'pas encore confirmé',
    receivesOn: (c, ch) => `${c} : par ${ch}.`,
    receivesNot: (c) => `${c} : vous ne recevez pas ces messages.`,
    languageLegend: 'Langue des messages',
    languageNow: (l) => `Les messages arrivent en ${l.toLowerCase()} quand la police les y rédige.`,
    quietLegend: 'Heures de repos',
    quietEnable: 'Pas de messages non urgents pendant ces heures',
    quietFrom: 'De',
    quietUntil: 'À',
    quietHint: 'Les messages urgents, comme une disparition, arrivent toujours tout de suite. Les autres attendent la fin de vos heures de repos.',
    quietNow: (s, e) => `Entre ${s} et ${e}, vous ne recevez que les messages urgents ; les autres suivent à ${e}.`,
    quietNone: 'Vous recevez les messages à toute heure.',
    save: 'Enregistrer',
    leaveTitle: 'Vous ne voulez plus être membre ?',
    leave: 'Mettre fin à votre adhésion',
    phoneTitle: 'Téléphone pour les appels',
    phoneIntro:
      'Pour un message urgent, nous pouvons vous appeler, sur un fixe ou un GSM. Le numéro ne compte qu’une fois que vous avez saisi le code que nous vous disons pour le confirmer.',
    phoneLabel: 'Numéro de téléphone (fixe ou GSM)',
    phoneHint: 'Par exemple 053 72 11 11 ou 0470 12 34 56.',
    phoneGive: 'Appelez-moi pour confirmer ce numéro',
    phoneReplace: 'Donner un autre numéro',
    phoneConfirmedNow: 'Votre numéro pour les appels est confirmé : les messages peuvent vous appeler.',
    phonePending: 'Votre numéro pour les appels n’est pas encore confirmé : saisissez le code que l’appel a dit.',
    phoneCalling: 'Nous vous appelons maintenant. Saisissez ci-dessous le code que l’appel dit.',
    phoneConfirmed: 'Confirmé : les messages peuvent désormais vous appeler à ce numéro.',
  },
  subscribe: {
    title: (c) => `Recevoir les messages « ${c} » ?`,
    why: (c) =>
      `Les comités BIN ont décidé que les messages « ${c} » ne sont plus envoyés par défaut à tous les membres. Si vous voulez quand même les recevoir, inscrivez-vous ici.`,
    onChannels: (ch) => `Vous les recevrez alors par ${ch}.`,
    noChannels: 'Vous n’avez encore ni adresse e-mail ni numéro de GSM confirmé : confirmez-les d’abord.',
    button: 'Oui, je veux ces messages',
    canUndo: 'Vous pouvez toujours les désactiver dans vos préférences.',
    done: (c, ch) => `Vous êtes inscrit. À partir du prochain message, vous recevez les messages « ${c} » par ${ch}.`,
    toPreferences: 'Voir vos préférences',
  },
  unsubscribe: {
    title: (c) => `Ne plus recevoir les messages « ${c} » par e-mail ?`,
    explain: 'Les autres sujets et les autres moyens (SMS, téléphone) restent inchangés.',
    button: 'Me désinscrire',
    done: (c) => `Vous ne recevez plus les messages « ${c} » par e-mail.`,
    mandatory: (c) => `Les messages « ${c} » vont toujours à tous les membres ; on ne peut pas s’en désinscrire.`,
    undo: 'Une erreur ? Réactivez-les dans vos préférences',
  },
  resign: {
    title: 'Mettre fin à votre adhésion',
    explain: (b) => `Vous quittez ${b}. Vous ne recevrez plus de messages BIN et votre nom et vos coordonnées seront effacés.`,
    button: 'Mettre fin à mon adhésion',
    keep: 'Non : retour à vos préférences',
    done: (b) => `Vous n’êtes plus membre de ${b}.`,
    erased: 'Votre nom et vos coordonnées ont été effacés.',
    joinAgain: 'Redevenir membre plus tard',
    boardMember: 'Comme membre du comité, vous démissionnez par l’intermédiaire de la zone de police : envoyez-lui un e-mail.',
    nothingLeft: 'Vous n’êtes déjà plus membre.',
  },
  link: {
    expiredTitle: 'Ce lien a expiré',
    expired: 'Les liens de nos e-mails restent valables un certain temps puis expirent, pour que personne ne puisse les utiliser plus tard.',
    invalidTitle: 'Ce lien ne fonctionne pas',
    invalid: 'Le lien est incomplet ou a été modifié. Ouvrez-le à nouveau depuis l’e-mail, ou demandez-en un nouveau ci-dessous.',
    goneTitle: 'Cette adhésion n’existe plus',
    gone: 'Aucun membre ne correspond à ce lien : l’adhésion a pris fin et les données ont été effacées.',
    newLinkTitle: 'Un nouveau lien',
    newLinkIntro: 'Indiquez l’adresse e-mail à laquelle vous recevez les messages BIN. Si elle appartient à un membre, nous y envoyons un lien pour modifier vos préférences.',
    email: 'Votre adresse e-mail',
    send: 'Envoyez-moi un lien',
    sent: 'Si cette adresse appartient à un membre, un lien est en route. Regardez dans votre boîte de réception, et aussi dans les indésirables.',
    applyAgain: 'C’était une demande d’adhésion ? Refaites la demande',
  },
  categories: {
    missing_person: { label: 'Disparition', name: 'disparition', about: 'Un enfant ou un adulte vulnérable a disparu. La police demande d’être attentif.' },
    burglary: { label: 'Cambriolage', name: 'cambriolage', about: 'Cambriolages ou faits suspects dans votre quartier.' },
    prevention: { label: 'Prévention', name: 'prévention', about: 'Conseils et campagnes comme Quick & Lock.' },
    general: { label: 'Général', name: 'général', about: 'Autres nouvelles de la police pour le BIN.' },
    covid: { label: 'COVID-19', name: 'COVID-19', about: 'Mesures et appels liés au COVID-19.' },
  },
};

const DE: MemberWords = {
  htmlTitleSuffix: 'BIN Alert',
  brand: 'BIN Alert',
  tagline: 'Nachbarschaftsinformationsnetzwerke der Polizeizone',
  skipToContent: 'Zum Inhalt',
  languageSwitch: 'Sprache',
  footer: 'Nachrichten der Polizei an die Mitglieder der Nachbarschaftsinformationsnetzwerke (BIN). Ihre Daten dienen nur dazu, Ihnen diese Nachrichten zu senden.',
  channel: { sms: 'SMS', email: 'E-Mail', voice: 'Sprachanruf' },
  and: 'und',
  nothing: 'nichts',
  errorSummary: 'Bitte prüfen Sie diese Felder',
  rateLimited: (m) =>
    `Von dieser Verbindung kamen zu viele Anfragen. Versuchen Sie es in ${m} ${m === 1 ? 'Minute' : 'Minuten'} erneut. So schützen wir Mitglieder vor Nachrichten, die sie nicht angefordert haben.`,
  somethingWrong: 'Bei uns ist etwas schiefgegangen. Versuchen Sie es in einigen Minuten erneut.',
  notFoundTitle: 'Seite nicht gefunden',
  notFound: 'Diese Seite gibt es nicht (mehr).',
  backToStart: 'Einem BIN beitreten',
  join: {
    title: 'Einem BIN beitreten',
    intro:
      'Ein Nachbarschaftsinformationsnetzwerk (BIN) bringt Anwohner und Polizei für die Sicherheit im Viertel zusammen. Als Mitglied erhalten Sie die Nachrichten der Polizei: eine vermisste Person, eine Einbruchsserie, eine Präventionskampagne.',
    name: 'Name',
    language: 'Sprache der Nachrichten',
    languageHint: 'Nachrichten kommen in dieser Sprache, wenn die Polizei sie darin verfasst.',
    bins: 'Ihr BIN',
    binsHint: 'Wählen Sie ein oder mehrere Netzwerke (höchstens 5).',
    contactLegend: 'Wie erreichen wir Sie?',
    contactHint: 'Geben Sie mindestens eine E-Mail-Adresse, eine Handynummer oder eine Telefonnummer für Anrufe an. Wir bitten Sie, jede zu bestätigen.',
    email: 'E-Mail-Adresse',
    mobile: 'Handynummer',
    mobileHint: 'Für SMS, zum Beispiel 0470 12 34 56.',
    phone: 'Telefonnummer für Anrufe (Festnetz oder Handy)',
    phoneHint: 'Für Sprachanrufe, auch ohne Handy: zum Beispiel 087 59 11 11. Wir rufen Sie an, um die Nummer zu bestätigen.',
    consent:
      'Ich bin damit einverstanden, dass die Polizeizone meinen Namen und meine Kontaktdaten speichert, um mir BIN-Nachrichten zu senden. Ich kann meine Mitgliedschaft jederzeit beenden; dann werden sie gelöscht.',
    privacy: 'Ein Vorstandsmitglied des BIN genehmigt Ihren Antrag. Ihre Daten werden nicht weitergegeben.',
    submit: 'Antrag senden',
    alreadyMember: 'Schon Mitglied?',
    askLink: 'Fordern Sie einen Link an, um Ihre Einstellungen zu ändern',
  },
  reasons: {
    required: 'Dieses Feld ist erforderlich.',
    notEmail: 'Das ist keine gültige E-Mail-Adresse.',
    notMobile: 'Das ist keine Handynummer: eine SMS kann sie nicht erreichen.',
    notPhone: 'Das ist keine gültige Telefonnummer.',
    atLeastOneBin: 'Wählen Sie mindestens ein BIN.',
    atMostBins: 'Wählen Sie höchstens 5 BIN.',
    emailOrMobile: 'Geben Sie eine E-Mail-Adresse, eine Handynummer oder eine Telefonnummer für Anrufe an.',
    consent: 'Bitte stimmen Sie zu, sonst können wir Ihnen keine Nachrichten senden.',
    unknownBin: 'Dieses BIN gibt es nicht (mehr).',
    tooLong: 'Das ist zu lang.',
    clockTime: 'Geben Sie eine Uhrzeit als HH:MM an, zum Beispiel 22:30.',
    sixDigits: 'Der Code hat 6 Ziffern.',
  },
  application: {
    title: 'Danke für Ihren Antrag',
    received: 'Wir haben Ihren Antrag erhalten. Es fehlen noch diese Schritte:',
    stepEmail: 'Bestätigen Sie Ihre E-Mail-Adresse mit dem Link in der E-Mail, die wir Ihnen gesendet haben.',
    stepEmailDone: 'Ihre E-Mail-Adresse ist bestätigt.',
    stepMobile: 'Geben Sie unten den Code aus der SMS ein, die wir Ihnen gesendet haben.',
    stepMobileDone: 'Ihre Handynummer ist bestätigt.',
    stepPhone: 'Bestätigen Sie Ihre Telefonnummer für Anrufe: Wir rufen Sie jetzt an und sagen einen sechsstelligen Code.',
    stepPhoneDone: 'Ihre Telefonnummer für Anrufe ist bestätigt.',
    phoneCodeLabel: 'Code aus dem Anruf',
    phoneCodeHint: 'Die sechs Ziffern, die der Anruf gesagt hat.',
    confirmPhoneCode: 'Telefonnummer bestätigen',
    recallCode: 'Rufen Sie mich mit einem neuen Code erneut an',
    phoneConfirmed: 'Ihre Telefonnummer für Anrufe ist bestätigt.',
    codeRecalled: 'Wir rufen Sie mit einem neuen Code erneut an.',
    stepBoard: 'Ein Vorstandsmitglied Ihres BIN genehmigt Ihren Antrag. Danach erhalten Sie die Nachrichten.',
    codeLabel: 'Code aus der SMS',
    codeHint: '6 Ziffern, 15 Minuten gültig.',
    confirmCode: 'Code bestätigen',
    resendCode: 'Neuen Code senden',
    codeConfirmed: 'Ihre Handynummer ist bestätigt.',
    codeResent: 'Ein neuer Code ist unterwegs zu Ihrem Handy.',
    wrongCode: 'Dieser Code stimmt nicht. Prüfen Sie die SMS und versuchen Sie es erneut.',
    wrongCallCode: 'Dieser Code stimmt nicht. Geben Sie die sechs Ziffern aus dem Anruf ein oder fordern Sie einen neuen Anruf an.',
    codeExpired: 'Der Code ist abgelaufen. Fordern Sie einen neuen an.',
    tooManyAttempts: 'Zu viele Versuche. Fordern Sie einen neuen Code an.',
    noCodeWaiting: 'Es wartet kein Code auf Bestätigung.',
    active: 'Sie sind Mitglied: die BIN-Nachrichten erreichen Sie.',
  },
  confirmEmail: {
    title: 'Bestätigen Sie Ihre E-Mail-Adresse',
    explain: 'Bestätigen Sie mit dieser Schaltfläche, dass diese E-Mail-Adresse Ihnen gehört. Danach kann die Polizei Ihnen BIN-Nachrichten mailen.',
    button: 'Meine E-Mail-Adresse bestätigen',
    done: 'Ihre E-Mail-Adresse ist bestätigt.',
    contactGone: 'Diese E-Mail-Adresse gehört zu keinem Antrag und keiner Mitgliedschaft mehr.',
  },
  preferences: {
    title: 'Ihre BIN-Einstellungen',
    intro: 'Wählen Sie, welche Nachrichten Sie erhalten, auf welchem Weg, in welcher Sprache und wann nicht.',
    saved: 'Gespeichert.',
    fromNextAlert: 'Ab der nächsten Nachricht gilt:',
    categories: 'Nachrichten nach Thema',
    categoriesHint: 'Kreuzen Sie an, auf welchem Weg Sie jedes Thema erhalten möchten.',
    mandatory: (c) => `${c}: immer, auf jedem bestätigten Weg. Bei einer vermissten Person zählt jede Minute; das lässt sich nicht abschalten.`,
    optIn: 'Nur wenn Sie es ankreuzen.',
    unverified: 'noch nicht bestätigt',
    receivesOn: (c, ch) => `${c}: per ${ch}.`,
    receivesNot: (c) => `${c}: Sie erhalten diese Nachrichten nicht.`,
    languageLegend: 'Sprache der Nachrichten',
    languageNow: (l) => `Die Nachrichten kommen auf ${l}, wenn die Polizei sie darin verfasst.`,
    quietLegend: 'Ruhezeit',
    quietEnable: 'Keine nicht dringenden Nachrichten in dieser Zeit',
    quietFrom: 'Von',
    quietUntil: 'Bis',
    quietHint: 'Dringende Nachrichten, etwa zu einer vermissten Person, kommen immer sofort. Andere warten bis zum Ende Ihrer Ruhezeit.',
    quietNow: (s, e) => `Zwischen ${s} und ${e} erhalten Sie nur dringende Nachrichten; die anderen folgen um ${e}.`,
    quietNone: 'Sie erhalten Nachrichten zu jeder Uhrzeit.',
    save: 'Speichern',
    leaveTitle: 'Kein Mitglied mehr sein?',
    leave: 'Ihre Mitgliedschaft beenden',
    phoneTitle: 'Telefon für Anrufe',
    phoneIntro:
      'Bei einer dringenden Nachricht können wir Sie anrufen, im Festnetz oder auf dem Handy. Die Nummer gilt erst, wenn Sie den Code eingeben, den wir Ihnen zur Bestätigung sagen.',
    phoneLabel: 'Telefonnummer (Festnetz oder Handy)',
    phoneHint: 'Zum Beispiel 087 59 11 11 oder 0470 12 34 56.',
    phoneGive: 'Rufen Sie mich an, um diese Nummer zu bestätigen',
    phoneReplace: 'Eine andere Nummer angeben',
    phoneConfirmedNow: 'Ihre Telefonnummer für Anrufe ist bestätigt: Nachrichten können Sie anrufen.',
    phonePending: 'Ihre Telefonnummer für Anrufe ist noch nicht bestätigt: Geben Sie den Code ein, den der Anruf gesagt hat.',
    phoneCalling: 'Wir rufen Sie jetzt an. Geben Sie unten den Code ein, den der Anruf sagt.',
    phoneConfirmed: 'Bestätigt: Nachrichten können Sie ab jetzt unter dieser Nummer anrufen.',
  },
  subscribe: {
    title: (c) => `Nachrichten zu ${c} erhalten?`,
    why: (c) =>
      `Die BIN-Vorstände haben beschlossen, Nachrichten zu ${c} nicht mehr standardmäßig an alle Mitglieder zu senden. Wenn Sie sie trotzdem erhalten möchten, melden Sie sich hier an.`,
    onChannels: (ch) => `Sie erhalten sie dann per ${ch}.`,
    noChannels: 'Sie haben noch keine bestätigte E-Mail-Adresse oder Handynummer: bestätigen Sie diese zuerst.',
    button: 'Ja, ich möchte diese Nachrichten',
    canUndo: 'Sie können das in Ihren Einstellungen jederzeit wieder abschalten.',
    done: (c, ch) => `Sie sind angemeldet. Ab der nächsten Nachricht erhalten Sie Nachrichten zu ${c} per ${ch}.`,
    toPreferences: 'Ihre Einstellungen ansehen',
  },
  unsubscribe: {
    title: (c) => `Keine Nachrichten zu ${c} mehr per E-Mail?`,
    explain: 'Andere Themen und andere Wege (SMS, Telefon) bleiben, wie sie sind.',
    button: 'Abmelden',
    done: (c) => `Sie erhalten keine Nachrichten zu ${c} mehr per E-Mail.`,
    mandatory: (c) => `Nachrichten zu ${c} gehen immer an alle Mitglieder; davon kann man sich nicht abmelden.`,
    undo: 'Doch ein Versehen? Schalten Sie es in Ihren Einstellungen wieder ein',
  },
  resign: {
    title: 'Ihre Mitgliedschaft beenden',
    explain: (b) => `Sie verlassen ${b}. Sie erhalten dann keine BIN-Nachrichten mehr, und Ihr Name und Ihre Kontaktdaten werden gelöscht.`,
    button: 'Mitgliedschaft beenden',
    keep: 'Doch nicht: zurück zu Ihren Einstellungen',
    done: (b) => `Sie sind kein Mitglied von ${b} mehr.`,
    erased: 'Ihr Name und Ihre Kontaktdaten wurden gelöscht.',
    joinAgain: 'Später wieder Mitglied werden',
    boardMember: 'Als Vorstandsmitglied treten Sie über die Polizeizone zurück: schreiben Sie ihr eine E-Mail.',
    nothingLeft: 'Sie sind bereits kein Mitglied mehr.',
  },
  link: {
    expiredTitle: 'Dieser Link ist abgelaufen',
    expired: 'Die Links in unseren E-Mails gelten eine Zeit lang und verfallen dann, damit niemand sie später noch verwenden kann.',
    invalidTitle: 'Dieser Link funktioniert nicht',
    invalid: 'Der Link ist unvollständig oder wurde verändert. Öffnen Sie ihn erneut aus der E-Mail oder fordern Sie unten einen neuen an.',
    goneTitle: 'Diese Mitgliedschaft gibt es nicht mehr',
    gone: 'Zu diesem Link gehört kein Mitglied mehr: die Mitgliedschaft wurde beendet und die Daten gelöscht.',
    newLinkTitle: 'Ein neuer Link',
    newLinkIntro:
      'Geben Sie die E-Mail-Adresse an, unter der Sie die BIN-Nachrichten erhalten. Gehört sie einem Mitglied, senden wir dorthin einen Link, um Ihre Einstellungen zu ändern.',
    email: 'Ihre E-Mail-Adresse',
    send: 'Link senden',
    sent: 'Wenn diese Adresse einem Mitglied gehört, ist ein Link unterwegs. Sehen Sie in Ihrem Posteingang nach, auch im Spam-Ordner.',
    applyAgain: 'War es ein Antrag? Stellen Sie ihn erneut',
  },
  categories: {
    missing_person: {
      label: 'Vermisste Person',
      name: 'vermisste Personen',
      about: 'Ein Kind oder ein schutzbedürftiger Erwachsener wird vermisst. Die Polizei bittet, Ausschau zu halten.',
    },
    burglary: { label: 'Einbruch', name: 'Einbrüchen', about: 'Einbrüche oder verdächtige Vorgänge in Ihrem Viertel.' },
    prevention: { label: 'Prävention', name: 'Prävention', about: 'Tipps und Kampagnen wie Quick & Lock.' },
    general: { label: 'Allgemeines', name: 'Allgemeinem', about: 'Andere Neuigkeiten der Polizei für das BIN.' },
    covid: { label: 'COVID-19', name: 'COVID-19', about: 'Maßnahmen und Aufrufe rund um COVID-19.' },
  },
};

const EN: MemberWords = {
  htmlTitleSuffix: 'BIN Alert',
  brand: 'BIN Alert',
  tagline: 'Neighbourhood information networks of the police zone',
  skipToContent: 'Skip to content',
  languageSwitch: 'Language',
  footer: 'Messages from the police to the members of neighbourhood information networks (BIN). Your data serve only to send you these messages.',
  channel: { sms: 'SMS', email: 'e-mail', voice: 'voice call' },
  and: 'and',
  nothing: 'nothing',
  errorSummary: 'Please check these fields',
  rateLimited: (m) =>
    `Too many requests came from this connection. Please try again in ${m} minute${m === 1 ? '' : 's'}. This protects members from messages they did not ask for.`,
  somethingWrong: 'Something went wrong on our side. Please try again in a few minutes.',
  notFoundTitle: 'Page not found',
  notFound: 'This page does not exist (any more).',
  backToStart: 'Join a BIN',
  join: {
    title: 'Join a BIN',
    intro:
      'A neighbourhood information network (BIN) brings residents and the police together for the safety of the neighbourhood. As a member you receive the police’s messages: a missing person, a wave of burglaries, a prevention campaign.',
    name: 'Name',
    language: 'Language of the messages',
    languageHint: 'Messages come in this language when the police write them in it.',
    bins: 'Your BIN',
    binsHint: 'Choose one or more networks (at most 5).',
    contactLegend: 'How do we reach you?',
    contactHint: 'Give at least an e-mail address, a mobile number or a phone number for calls. We will ask you to confirm each.',
    email: 'E-mail address',
    mobile: 'Mobile number',
    mobileHint: 'For text messages, for example 0470 12 34 56.',
    phone: 'Phone number for calls (landline or mobile)',
    phoneHint: 'For voice calls, also without a mobile: for example 053 72 11 11. We call you to confirm the number.',
    consent: 'I agree that the police zone keeps my name and contact details to send me BIN messages. I can end my membership at any time; they are then erased.',
    privacy: 'A board member of the BIN approves your application. Your data are not passed on.',
    submit: 'Send application',
    alreadyMember: 'Already a member?',
    askLink: 'Ask for a link to change your preferences',
  },
  reasons: {
    required: 'This field is required.',
    notEmail: 'This is not a valid e-mail address.',
    notMobile: 'This is not a mobile number: a text message cannot reach it.',
    notPhone: 'This is not a valid phone number.',
    atLeastOneBin: 'Choose at least one BIN.',
    atMostBins: 'Choose at most 5 BINs.',
    emailOrMobile: 'Give an e-mail address, a mobile number or a phone number for calls.',
    consent: 'Please tick that you agree, otherwise we cannot send you messages.',
    unknownBin: 'This BIN does not exist (any more).',
    tooLong: 'This is too long.',
    clockTime: 'Give a time as HH:MM, for example 22:30.',
    sixDigits: 'The code has 6 digits.',
  },
  application: {
    title: 'Thank you for your application',
    received: 'We have received your application. These steps remain:',
    stepEmail: 'Confirm your e-mail address with the link in the e-mail we sent you.',
    stepEmailDone: 'Your e-mail address is confirmed.',
    stepMobile: 'Enter below the code from the text message we sent you.',
    stepMobileDone: 'Your mobile number is confirmed.',
    stepPhone: 'Confirm your phone number for calls: we are calling you now and will say a six-digit code.',
    stepPhoneDone: 'Your phone number for calls is confirmed.',
    phoneCodeLabel: 'Code from the call',
    phoneCodeHint: 'The six digits the call said.',
    confirmPhoneCode: 'Confirm phone number',
    recallCode: 'Call me again with a new code',
    phoneConfirmed: 'Your phone number for calls is confirmed.',
    codeRecalled: 'We are calling you again with a new code.',
    stepBoard: 'A board member of your BIN approves your application. Then you receive the messages.',
    codeLabel: 'Code from the text message',
    codeHint: '6 digits, valid for 15 minutes.',
    confirmCode: 'Confirm code',
    resendCode: 'Send me a new code',
    codeConfirmed: 'Your mobile number is confirmed.',
    codeResent: 'A new code is on its way to your phone.',
    wrongCode: 'That code is not right. Check the text message and try again.',
    wrongCallCode: 'That code is not right. Type the six digits the call said, or ask for a new call.',
    codeExpired: 'The code has expired. Ask for a new one.',
    tooManyAttempts: 'Too many attempts. Ask for a new code.',
    noCodeWaiting: 'No code is waiting to be confirmed.',
    active: 'You are a member: BIN messages reach you.',
  },
  confirmEmail: {
    title: 'Confirm your e-mail address',
    explain: 'Confirm with this button that this e-mail address is yours. The police can then e-mail you BIN messages.',
    button: 'Confirm my e-mail address',
    done: 'Your e-mail address is confirmed.',
    contactGone: 'This e-mail address no longer belongs to an application or a membership.',
  },
  preferences: {
    title: 'Your BIN preferences',
    intro: 'Choose which messages you receive, how, in which language and when not.',
    saved: 'Saved.',
    fromNextAlert: 'From the next message on:',
    categories: 'Messages by subject',
    categoriesHint: 'Tick how you want to receive each subject.',
    mandatory: (c) => `${c}: always, on every confirmed channel. When someone is missing every minute counts; this cannot be switched off.`,
    optIn: 'Only if you tick it.',
    unverified: 'not confirmed yet',
    receivesOn: (c, ch) => `${c}: by ${ch}.`,
    receivesNot: (c) => `${c}: you do not receive these messages.`,
    languageLegend: 'Language of the messages',
    languageNow: (l) => `Messages come in ${l} when the police write them in it.`,
    quietLegend: 'Quiet hours',
    quietEnable: 'No non-urgent messages during these hours',
    quietFrom: 'From',
    quietUntil: 'Until',
    quietHint: 'Urgent messages, such as a missing person, always come at once. Others wait until your quiet hours end.',
    quietNow: (s, e) => `Between ${s} and ${e} you receive urgent messages only; the others follow at ${e}.`,
    quietNone: 'You receive messages at any hour.',
    save: 'Save',
    leaveTitle: 'No longer a member?',
    leave: 'End your membership',
    phoneTitle: 'Phone for calls',
    phoneIntro: 'For an urgent message we can call you, on a landline or a mobile. The number counts once you enter the code we say to you to confirm it.',
    phoneLabel: 'Phone number (landline or mobile)',
    phoneHint: 'For example 053 72 11 11 or 0470 12 34 56.',
    phoneGive: 'Call me to confirm this number',
    phoneReplace: 'Give another number',
    phoneConfirmedNow: 'Your phone number for calls is confirmed: alerts can call you.',
    phonePending: 'Your phone number for calls is not confirmed yet: enter the code the call said.',
    phoneCalling: 'We are calling you now. Enter below the code the call says.',
    phoneConfirmed: 'Confirmed: alerts can call you on this number from now on.',
  },
  subscribe: {
    title: (c) => `Receive messages about ${c}?`,
    why: (c) => `The BIN boards decided that messages about ${c} no longer go to every member by default. If you still want them, subscribe here.`,
    onChannels: (ch) => `You will then receive them by ${ch}.`,
    noChannels: 'You have no confirmed e-mail address or mobile number yet: confirm one first.',
    button: 'Yes, I want these messages',
    canUndo: 'You can switch this off again at any time in your preferences.',
    done: (c, ch) => `You are subscribed. From the next message on you receive messages about ${c} by ${ch}.`,
    toPreferences: 'See your preferences',
  },
  unsubscribe: {
    title: (c) => `No more messages about ${c} by e-mail?`,
    explain: 'Other subjects and other channels (SMS, phone) stay as they are.',
    button: 'Unsubscribe',
    done: (c) => `You no longer receive messages about ${c} by e-mail.`,
    mandatory: (c) => `Messages about ${c} always go to every member; nobody can unsubscribe from them.`,
    undo: 'A mistake? Switch it back on in your preferences',
  },
  resign: {
    title: 'End your membership',
    explain: (b) => `You leave ${b}. You will no longer receive BIN messages, and your name and contact details will be erased.`,
    button: 'End my membership',
    keep: 'No: back to your preferences',
    done: (b) => `You are no longer a member of ${b}.`,
    erased: 'Your name and contact details have been erased.',
    joinAgain: 'Join again later',
    boardMember: 'As a board member you resign through the police zone: send them an e-mail.',
    nothingLeft: 'You are no longer a member.',
  },
  link: {
    expiredTitle: 'This link has expired',
    expired: 'The links in our e-mails stay valid for a while and then expire, so that nobody can use them later.',
    invalidTitle: 'This link does not work',
    invalid: 'The link is incomplete or was changed. Open it again from the e-mail, or ask for a new one below.',
    goneTitle: 'This membership no longer exists',
    gone: 'No member belongs to this link any more: the membership ended and the data were erased.',
    newLinkTitle: 'A new link',
    newLinkIntro: 'Give the e-mail address at which you receive BIN messages. If it belongs to a member, we send a link there to change your preferences.',
    email: 'Your e-mail address',
    send: 'Send me a link',
    sent: 'If this address belongs to a member, a link is on its way. Look in your inbox, and in the spam folder too.',
    applyAgain: 'Was it an application? Apply again',
  },
  categories: {
    missing_person: { label: 'Missing person', name: 'missing persons', about: 'A child or a vulnerable adult is missing. The police ask you to keep an eye out.' },
    burglary: { label: 'Burglary', name: 'burglaries', about: 'Burglaries or suspicious activity in your neighbourhood.' },
    prevention: { label: 'Prevention', name: 'prevention', about: 'Tips and campaigns such as Quick & Lock.' },
    general: { label: 'General', name: 'general news', about: 'Other news from the police for the BIN.' },
    covid: { label: 'COVID-19', name: 'COVID-19', about: 'Measures and calls about COVID-19.' },
  },
};

export const MEMBER_WORDS: Record<Language, MemberWords> = { nl: NL, fr: FR, de: DE, en: EN };
