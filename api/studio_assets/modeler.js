// The studio's diagram editor and form preview, bundled by esbuild at install time (make install) into
// api/static/studio/ and served from our own host. Both enhance a textarea that works without JavaScript.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import { BpmnModdle } from 'bpmn-moddle';
import { diff } from 'bpmn-js-differ';

function readJSON(id) {
  const el = document.getElementById(id);
  try { return el ? JSON.parse(el.textContent) : []; } catch (e) { return []; }
}

async function colourDifferences(modeler, deployedXml, list) {
  if (!deployedXml) { return; }
  const moddle = new BpmnModdle();
  const { rootElement: before } = await moddle.fromXML(deployedXml);
  const after = modeler.getDefinitions();
  const changes = diff(before, after);
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  const items = [];
  const mark = (id, cls, words) => {
    if (registry.get(id)) { canvas.addMarker(id, cls); }
    items.push(`${id}: ${words}`);
  };
  Object.keys(changes._added || {}).forEach((id) => mark(id, 'diff-added', 'added'));
  Object.keys(changes._changed || {}).forEach((id) => mark(id, 'diff-changed', 'changed'));
  Object.keys(changes._removed || {}).forEach((id) => items.push(`${id}: removed`));
  if (list) {
    list.replaceChildren(...items.map((text) => { const li = document.createElement('li'); li.textContent = text; return li; }));
    if (!items.length) { const li = document.createElement('li'); li.textContent = 'No changes from the deployed diagram.'; list.append(li); }
  }
}

async function startModeler(holder) {
  const textarea = document.getElementById('file-text');
  const form = textarea.form;
  holder.hidden = false;  // drawn into a visible container, so the canvas has a size
  const modeler = new BpmnModeler({
    container: '#studio-canvas',
    propertiesPanel: { parent: '#studio-properties' },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule],
  });
  try {
    await modeler.importXML(textarea.value);
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
  const diffList = document.getElementById('picture-changes');
  await colourDifferences(modeler, deployed ? deployed.value : null, diffList);
  modeler.on('commandStack.changed', async () => {
    const { xml } = await modeler.saveXML({ format: true });
    textarea.value = xml;
    document.getElementById('modeler-status').textContent = 'Changed: save to keep it in the draft.';
  });
  form.addEventListener('submit', async (event) => {
    if (form.dataset.synced === '1') { return; }
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

const holder = document.getElementById('studio-modeler');
if (holder) { startModeler(holder); }
const preview = document.getElementById('form-preview');
if (preview) { startPreview(preview); }
