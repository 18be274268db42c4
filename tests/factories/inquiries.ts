/**
 * The people around one inquiry, for access tests: the listing's organisation,
 * the inquiring organisation, an outsider, a broker assigned to the inquiry and one who is not.
 */
import { startSession } from "../../app/modules/auth/session.server.ts";
import { getRequest } from "../setup/requests.ts";
import { createInquiry, createInquiryMessage, createInquiryRead, createListing, createMembership, createOrganisation, createUser } from "./index.ts";

export async function cookieFor(userId: string) {
  return (await startSession(userId, getRequest("/"), { clientIp: "203.0.113.9" })).split(";")[0]!;
}

export async function createMember(organisationId: string, name = "Nguyễn Văn Thử") {
  const user = await createUser({ name });
  await createMembership(user.id, organisationId, "OWNER");
  return { user, cookie: await cookieFor(user.id) };
}

export async function createBroker(name = "Trần Thị Môi Giới") {
  const user = await createUser({ name, roles: ["member", "broker"] });
  const centre = await createOrganisation({ kind: "BROKER_CENTER", name: `Trung tâm Ứng dụng KH&CN ${user.id.slice(-4)}` });
  await createMembership(user.id, centre.id);
  return { user, centre, cookie: await cookieFor(user.id) };
}

/** A published listing with an open inquiry (first message included) and everyone around it. */
export async function createInquiryScenario(options: { assigned?: boolean; marker?: string } = {}) {
  const ownerOrg = await createOrganisation({ name: "Viện Công nghệ Sau thu hoạch" });
  const inquirerOrg = await createOrganisation({ name: "Công ty CP Nông sản Miền Tây" });
  const outsiderOrg = await createOrganisation({ name: "Công ty TNHH Ngoài Cuộc" });
  const listing = await createListing(ownerOrg.id, { title: "Công nghệ sấy lạnh bảo quản xoài" });
  const owner = await createMember(ownerOrg.id, "Lê Chủ Tin");
  const inquirer = await createMember(inquirerOrg.id, "Phạm Người Hỏi");
  const outsider = await createMember(outsiderOrg.id, "Võ Người Ngoài");
  const assignedBroker = await createBroker("Đỗ Môi Giới Phụ Trách");
  const otherBroker = await createBroker("Hồ Môi Giới Khác");
  const marker = options.marker ?? `MSG-${listing.id}`;
  const inquiry = await createInquiry(listing.id, inquirerOrg.id, {
    createdById: inquirer.user.id,
    need: `NEED-${marker}`,
    intendedUse: "Sản xuất xoài sấy xuất khẩu",
    timeline: "Trong 6 tháng",
    ...(options.assigned === false ? {} : { assignedBrokerId: assignedBroker.user.id, takenOverAt: new Date() }),
  });
  const firstMessageAt = new Date(Date.now() - 60_000);
  await createInquiryMessage(inquiry.id, { authorId: inquirer.user.id, organisationId: inquirerOrg.id, body: `Xin chào ${marker}`, createdAt: firstMessageAt });
  await createInquiryRead(inquiry.id, inquirer.user.id, firstMessageAt);
  return { listing, inquiry, ownerOrg, inquirerOrg, outsiderOrg, owner, inquirer, outsider, assignedBroker, otherBroker, marker };
}
