// The candidate's profile editor (candidat/espace.html, « Modifier mon profil »): commune,
// training (title, end date, organisation, diploma, métiers), target métiers and competences,
// with the sign-up's autocompletes. PATCH /api/candidates/me with If-Match: a 409 says that the
// profile changed meanwhile (another tab, another device) and offers to reload it.

import { communeField, metierPicker } from './autocomplete.js';
import { competencePicker } from './competences.js';
import { editPanel } from './edit-panel.js';

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
export const STALE_PROFILE =
  'Votre profil a été modifié entre-temps (dans un autre onglet ou sur un autre appareil). Vos changements ne sont pas enregistrés : rechargez votre profil, puis refaites-les.';

/**
 * @param {object} options
 * @param {() => object} options.current the profile as last read (CandidateView, with its version)
 * @param {(profile: object) => void} options.onSaved called with the 200's body
 * @param {() => Promise<void>} options.reload reads the profile again (after a 409)
 * @param {() => void} options.onSignedOut
 */
export function profileEditor({ current, onSaved, reload, onSignedOut }) {
  const form = document.getElementById('profile-form');
  const bassinText = document.getElementById('commune-bassin');
  const value = (id) => document.getElementById(id).value.trim();
  let trainingMetiers = null;
  let targetMetiers = null;

  const competences = competencePicker({
    groups: document.getElementById('competence-groups'),
    tools: document.getElementById('competences-tools'),
    empty: document.getElementById('competences-empty'),
    filter: document.getElementById('competence-filter'),
    filterStatus: document.getElementById('competence-filter-status'),
  });

  function chosenMetiers() {
    const unique = new Map();
    for (const metier of [...trainingMetiers.items(), ...targetMetiers.items()]) unique.set(metier.code_rome, metier);
    return [...unique.values()];
  }

  function labelled(codes, profile) {
    const labels = new Map(profile.metiers.map((m) => [m.code_rome, m.label]));
    return codes.map((code) => ({ code_rome: code, label: labels.get(code) || code }));
  }

  /** (Re)build the widgets from the profile: the autocompletes take their first value when mounted. */
  function fill(profile) {
    const { training } = profile;
    for (const id of ['commune-autocomplete', 'training-metiers-autocomplete', 'target-metiers-autocomplete']) {
      document.getElementById(id).replaceChildren();
    }
    communeField({
      initial: { code_insee: profile.code_insee, name: profile.commune_name, postal_codes: [], bassin: profile.bassin },
      bassinText,
    });
    bassinText.textContent = '';
    const refresh = () => competences.setMetiers(chosenMetiers());
    trainingMetiers = metierPicker(document.getElementById('training-metiers'), { onChange: refresh, initial: labelled(training.code_rome, profile) });
    targetMetiers = metierPicker(document.getElementById('target-metiers'), { onChange: refresh, initial: labelled(profile.target_code_rome, profile) });
    form.elements.training_title.value = training.title;
    form.elements.training_end_date.value = training.end_date;
    form.elements.training_organisation.value = training.organisation || '';
    form.elements.training_certification.checked = Boolean(training.certification_obtained);
    competences.setMetiers(chosenMetiers(), profile.competences);
  }

  function changes() {
    const body = {
      code_insee: value('code_insee'),
      training: {
        title: value('training_title'),
        code_rome: trainingMetiers.codes(),
        end_date: value('training_end_date'),
        certification_obtained: form.elements.training_certification.checked,
      },
      target_code_rome: targetMetiers.codes(),
      competences: competences.checkedCodes(),
    };
    if (value('training_organisation')) body.training.organisation = value('training_organisation');
    return body;
  }

  function localErrors(body) {
    const errors = {};
    if (!body.code_insee) {
      errors.code_insee = value('commune-input')
        ? 'Choisissez votre commune dans la liste proposée.'
        : 'Saisissez la commune où vous habitez, puis choisissez-la dans la liste.';
    }
    if (!body.training.title) errors['training.title'] = 'Saisissez l’intitulé de votre formation.';
    if (!DATE_SHAPE.test(body.training.end_date)) {
      errors['training.end_date'] = 'Indiquez la date de fin de la formation, par exemple 30/06/2025.';
    }
    if (!body.training.code_rome.length) {
      errors['training.code_rome'] = 'Choisissez au moins un métier auquel prépare votre formation.';
    }
    return errors;
  }

  function collect() {
    const body = changes();
    return { body, errors: localErrors(body) };
  }

  editPanel({
    prefix: 'profile',
    heading: 'titre-modifier-profil',
    path: '/api/candidates/me',
    current,
    fill,
    collect,
    texts: {
      saved: 'Votre profil est enregistré. Les offres proposées seront recalculées d’ici quelques minutes.',
      stale: STALE_PROFILE,
      reload: 'Recharger mon profil',
    },
    onSaved,
    reload,
    onSignedOut,
  });
}
