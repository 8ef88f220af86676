// The studio's diagram editor and form preview, bundled by esbuild at install time (make install) into
// api/static/studio/ and served from our own host. Both enhance a textarea that works without JavaScript.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import BpmnViewer from 'bpmn-js/lib/NavigatedViewer';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import { BpmnModdle } from 'bpmn-moddle';
import { diff } from 'bpmn-js-differ';
import spiffworkflow from './spiffworkflow-moddle.json';
import RaflowPropertiesModule from './raflow-properties';

function readJSON(id) {
  const el = document.getElementById(id);
  try { return el ? JSON.parse(el.textContent) : []; } catch (e) { return []; }
}

function listItems(list, items, none) {
  if (!list) { return; }
  const texts = items.length ? items : [none];
  list.replaceChildren(...texts.map((text) => { const li = document.createElement('li'); li.textContent = text; return li; }));
}

// Marks `after` (a modeler or viewer) green where added and yellow where changed, and `before` (a viewer of
// the deployed diagram, if given) red where removed and yellow where changed; returns the changes in words.
async function colourDifferences(after, deployedXml, before = null) {
  const moddle = new BpmnModdle();
  const { rootElement: old } = await moddle.fromXML(deployedXml);
  const changes = diff(before ? before.getDefinitions() : old, after.getDefinitions());
  const items = [];
  const mark = (viewer, id, cls) => {
    if (viewer && viewer.get('elementRegistry').get(id)) { viewer.get('canvas').addMarker(id, cls); }
  };
  Object.keys(changes._added || {}).forEach((id) => { mark(after, id, 'diff-added'); items.push(`${id}: added`); });
  Object.keys(changes._changed || {}).forEach((id) => {
    mark(after, id, 'diff-changed'); mark(before, id, 'diff-changed'); items.push(`${id}: changed`);
  });
  Object.keys(changes._removed || {}).forEach((id) => { mark(before, id, 'diff-removed'); items.push(`${id}: removed`); });
  return items;
}

async function startModeler(holder) {
  const textarea = document.getElementById('file-text');
  const form = textarea.form;
  holder.hidden = false;  // drawn into a visible container, so the canvas has a size
  const modeler = new BpmnModeler({
    container: '#studio-canvas',
    propertiesPanel: { parent: '#studio-properties' },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, RaflowPropertiesModule],
    moddleExtensions: { spiffworkflow },
  });
  let warnings;
  try {
    ({ warnings } = await modeler.importXML(textarea.value));
  } catch (err) {
    holder.hidden = true;
    document.getElementById('modeler-status').textContent =
      `The diagram could not be drawn (${err.message}); edit its XML below.`;
    return;
  }
  try { modeler.get('canvas').zoom('fit-viewport'); } catch (e) { /* an empty diagram has no extent */ }
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  readJSON('studio-problems').forEach((id) => { if (registry.get(id)) { canvas.addMarker(id, 'studio-problem'); } });
  const deployed = document.getElementById('deployed-xml');
  if (deployed) {
    listItems(document.getElementById('picture-changes'), await colourDifferences(modeler, deployed.value),
      'No changes from the deployed diagram.');
  }
  // XML the editor cannot read (e.g. an unknown spiffworkflow element) would be dropped when it writes the
  // diagram: say so, and leave the textarea as it is unless the picture itself is changed.
  const unread = (warnings || []).map((w) => w.message);
  listItems(document.getElementById('modeler-warnings'), unread, '');
  document.getElementById('modeler-warnings-box').hidden = !unread.length;
  let typed = false;  // XML typed into the textarea wins over the picture
  let drawn = false;  // the picture was changed
  textarea.addEventListener('input', () => { typed = true; });
  modeler.on('commandStack.changed', async () => {
    typed = false;
    drawn = true;
    const { xml } = await modeler.saveXML({ format: true });
    textarea.value = xml;
    document.getElementById('modeler-status').textContent = 'Changed: save to keep it in the draft.';
  });
  form.addEventListener('submit', async (event) => {
    if (form.dataset.synced === '1' || typed || (unread.length && !drawn)) { return; }
    event.preventDefault();
    const { xml } = await modeler.saveXML({ format: true });
    textarea.value = xml;
    form.dataset.synced = '1';
    const submitter = event.submitter;
    if (submitter && submitter.name) {
      const hidden = document.createElement('input');
      hidden.type = 'hidden'; hidden.name = submitter.name; hidden.value = submitter.value;
      form.append(hidden);
    }
    form.submit();
  });
  window.raflowModeler = modeler;
  document.getElementById('modeler-status').textContent = 'Diagram loaded.';
}

function startPreview(box) {
  const textarea = document.getElementById('file-text');
  const form = textarea.form;
  let timer = null;
  textarea.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const body = new FormData();
      body.append('csrf_token', form.querySelector('[name=csrf_token]').value);
      body.append('text', textarea.value);
      body.append('name', box.dataset.name);
      const response = await fetch(box.dataset.url, { method: 'POST', body, credentials: 'same-origin' });
      if (response.ok) { box.innerHTML = await response.text(); }
    }, 400);
  });
}

async function startDiff(box) {
  const status = document.getElementById('diff-status');
  box.hidden = false;
  const beforeXml = document.getElementById('diff-before-xml');
  const after = new BpmnViewer({ container: '#diff-after' });
  const before = beforeXml ? new BpmnViewer({ container: '#diff-before' }) : null;
  try {
    await after.importXML(document.getElementById('diff-after-xml').value);
    if (before) { await before.importXML(beforeXml.value); }
  } catch (err) {
    box.hidden = true;
    status.textContent = `The diagrams could not be drawn (${err.message}); the changes are listed in words above.`;
    return;
  }
  [after, before].forEach((v) => { if (v) { try { v.get('canvas').zoom('fit-viewport'); } catch (e) { /* empty */ } } });
  let items;
  if (before) {
    items = await colourDifferences(after, beforeXml.value, before);
  } else {
    items = after.get('elementRegistry').filter((e) => e.businessObject && e.businessObject.id && e.parent)
      .map((e) => { after.get('canvas').addMarker(e.id, 'diff-added'); return `${e.id}: added`; });
  }
  listItems(document.getElementById('picture-changes'), items, 'No changes from the deployed diagram.');
  status.textContent = 'Differences drawn.';
}

const pictures = document.getElementById('diff-pictures');
if (pictures) { startDiff(pictures); }
const holder = document.getElementById('studio-modeler');
if (holder) { startModeler(holder); }
const preview = document.getElementById('form-preview');
if (preview) { startPreview(preview); }
