import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, MaxPartSizeExceededError, unstable_createMemoryUploadHandler } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { GeneralErrorBoundary } from "~/components/error-boundary.tsx";
import { ErrorList, Field, SelectField } from "~/components/forms.tsx";
import { readMultipartForm } from "~/lib/http.server.ts";
import { requireActor } from "~/modules/auth/actor.server.ts";
import importStyles from "~/modules/listings/components/import.css";
import {
  decodeCatalogue,
  IMPORT_LIMITS,
  importCatalogue,
  listImportOrganisations,
  requireImporter,
  type ImportMessage,
  type ImportReport,
} from "~/modules/listings/import.server.ts";
import { LISTING_STATUSES } from "~/modules/listings/lifecycle.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: importStyles }];
export const meta: MetaFunction = () => [{ title: "Techex – import" }];

/** Uploaded files are File objects; checked by shape because the server's File class may be a polyfill. */
const isFile = (v: unknown): v is File => typeof v === "object" && v !== null && typeof (v as File).arrayBuffer === "function" && typeof (v as File).name === "string";

const uploadSchema = z.object({
  file: z.custom<File>(isFile, "import.form.fileRequired").refine((f) => f.size > 0, "import.form.fileEmpty"),
  defaultOrganisationId: z.string().trim().max(64).optional(),
});

type ActionData =
  | { kind: "invalid"; result: SubmissionResult<string[]> }
  | { kind: "refused"; fileName: string; refused: ImportMessage }
  | { kind: "report"; report: ImportReport };

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const organisations = await listImportOrganisations(actor);
  return json({ organisations, limits: { maxMb: IMPORT_LIMITS.bytes / 1_000_000, maxRows: IMPORT_LIMITS.rows } });
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  requireImporter(actor);
  let formData: FormData;
  try {
    formData = await readMultipartForm(request, unstable_createMemoryUploadHandler({ maxPartSize: IMPORT_LIMITS.bytes }));
  } catch (error) {
    if (!(error instanceof MaxPartSizeExceededError)) throw error;
    const refused = { message: "import.refused.tooLarge", values: { max: IMPORT_LIMITS.bytes / 1_000_000 } };
    return json<ActionData>({ kind: "refused", fileName: "", refused }, { status: 413 });
  }
  const submission = parseWithZod(formData, { schema: uploadSchema });
  if (submission.status !== "success") return json<ActionData>({ kind: "invalid", result: submission.reply() }, { status: 400 });
  const { file, defaultOrganisationId } = submission.value;
  const content = decodeCatalogue(new Uint8Array(await file.arrayBuffer()));
  if (content === null) return json<ActionData>({ kind: "refused", fileName: file.name, refused: { message: "import.refused.notUtf8" } }, { status: 400 });
  const report = await importCatalogue(actor, { fileName: file.name, content, defaultOrganisationId });
  if (report.refused) return json<ActionData>({ kind: "refused", fileName: file.name, refused: report.refused }, { status: 400 });
  return json<ActionData>({ kind: "report", report });
}

export default function ImportPage() {
  const { organisations, limits } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation();
  const [form, fields] = useForm({
    id: "import-catalogue",
    lastResult: data?.kind === "invalid" ? data.result : undefined,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: uploadSchema }),
  });
  return (
    <section className="import-page stack">
      <header>
        <h1>{t("import.title")}</h1>
        <p className="lead">{t("import.lead")}</p>
        <p className="muted">{t("import.formatHelp", limits)}</p>
      </header>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="stack card">
        <Field
          label={t("import.file")}
          hint={t("import.fileHint")}
          errors={fields.file.errors}
          inputProps={{ ...getInputProps(fields.file, { type: "file" }), accept: ".json,.csv,application/json,text/csv" }}
        />
        <SelectField
          label={t("import.defaultOrganisation")}
          hint={t("import.defaultOrganisationHint")}
          errors={fields.defaultOrganisationId.errors}
          selectProps={getSelectProps(fields.defaultOrganisationId)}
          placeholder={t("import.noDefaultOrganisation")}
          options={organisations.map((o) => ({ value: o.id, label: o.name }))}
        />
        <ErrorList id={form.errorId} errors={form.errors} />
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("import.submit")}
        </button>
      </Form>
      {data?.kind === "refused" ? <Refused refused={data.refused} /> : null}
      {data?.kind === "report" ? <Report report={data.report} /> : null}
      <ExportForm />
    </section>
  );
}

function Refused({ refused }: { refused: ImportMessage }) {
  const { t } = useTranslation();
  return (
    <div className="card import-refused" role="alert">
      <h2>{t("import.refused.title")}</h2>
      <p>{t(refused.message, refused.values ?? {})}</p>
    </div>
  );
}

function Report({ report }: { report: ImportReport }) {
  const { t } = useTranslation();
  return (
    <section className="stack" aria-live="polite">
      <h2>{t("import.report.title", { fileName: report.fileName })}</h2>
      <p className="import-summary">{t("import.report.summary", { total: report.total, created: report.created, updated: report.updated, unchanged: report.unchanged, failed: report.failed })}</p>
      <p>{report.failed ? t("import.report.someFailed") : t("import.report.allGood")}</p>
      <div className="import-report">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t("import.report.line")}</th>
              <th scope="col">{t("import.report.externalRef")}</th>
              <th scope="col">{t("import.report.status")}</th>
              <th scope="col">{t("import.report.reasons")}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => (
              <tr key={row.line}>
                <td>{t(`import.report.lineLabel.${report.format ?? "csv"}`, { line: row.line })}</td>
                <td dir="auto">{row.externalRef ?? "–"}</td>
                <td>
                  <span className={`import-status import-status--${row.status}`}>{t(`import.status.${row.status}`)}</span>
                </td>
                <td>
                  {row.errors.length ? (
                    <ul className="import-reasons">
                      {row.errors.map((e, i) => (
                        <li key={i}>
                          <code>{e.field || t("import.report.wholeRow")}</code>: {t(e.message, e.values ?? {})}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ExportForm() {
  const { t } = useTranslation();
  return (
    <section className="card stack">
      <h2>{t("import.export.title")}</h2>
      <p className="muted">{t("import.export.lead")}</p>
      {/* A plain GET form: the answer is a file download, not a page. */}
      <form method="get" action="/listings/export" className="form-inline">
        <div className="field">
          <label htmlFor="export-format">{t("import.export.format")}</label>
          <select id="export-format" name="format" defaultValue="csv">
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="export-status">{t("import.export.status")}</label>
          <select id="export-status" name="status" defaultValue="">
            <option value="">{t("import.export.allStatuses")}</option>
            {LISTING_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`import.export.statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          {t("import.export.submit")}
        </button>
      </form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
