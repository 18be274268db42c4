import type { Locale } from "~/modules/i18n/config.ts";
import { PRIVACY_VERSION, TERMS_VERSION } from "./versions.ts";

/**
 * The terms of use and the privacy notice, short and in both languages. Server-only: a page
 * sends its reader the one text in their language. When a text's meaning changes, change its
 * version in versions.ts too.
 */
export interface LegalText {
  version: string;
  sections: { heading: string; paragraphs: string[] }[];
}

const TERMS: Record<Locale, LegalText["sections"]> = {
  vi: [
    {
      heading: "1. Techex là gì",
      paragraphs: [
        "Techex là sàn giao dịch công nghệ và thiết bị do trung tâm ứng dụng và chuyển giao công nghệ (đơn vị vận hành) quản lý, để kết nối bên có công nghệ, thiết bị với bên có nhu cầu.",
      ],
    },
    {
      heading: "2. Tài khoản",
      paragraphs: [
        "Bạn đăng ký bằng địa chỉ e-mail của chính mình và xác nhận địa chỉ đó trước khi đăng tin, gửi yêu cầu hay thanh toán. Bạn giữ bí mật mật khẩu và chịu trách nhiệm về hoạt động dưới tài khoản của mình.",
        "Người đăng tin cho một tổ chức phải được tổ chức đó cho phép.",
      ],
    },
    {
      heading: "3. Nội dung bạn đăng",
      paragraphs: [
        "Thông tin về công nghệ, thiết bị, quyền sở hữu trí tuệ và giá phải đúng sự thật. Không đăng nội dung vi phạm pháp luật Việt Nam, quyền sở hữu trí tuệ hay bí mật kinh doanh của người khác.",
        "Tin đăng được môi giới của trung tâm duyệt trước khi công khai; đơn vị vận hành có thể từ chối hoặc gỡ tin và nêu lý do.",
      ],
    },
    {
      heading: "4. Giao dịch và phí",
      paragraphs: [
        "Techex giúp các bên gặp nhau; hợp đồng chuyển giao công nghệ, mua bán thiết bị là thỏa thuận giữa các bên. Phí đăng tin nổi bật và phí môi giới được báo rõ trước khi thanh toán qua Stripe.",
      ],
    },
    {
      heading: "5. Chấm dứt và thay đổi",
      paragraphs: [
        "Bạn có thể ngừng sử dụng và xóa tài khoản bất cứ lúc nào. Đơn vị vận hành có thể khóa tài khoản vi phạm các điều khoản này. Khi điều khoản thay đổi, phiên bản mới được công bố tại đây và chúng tôi sẽ xin bạn đồng ý lại khi cần.",
      ],
    },
  ],
  en: [
    {
      heading: "1. What Techex is",
      paragraphs: [
        "Techex is a technology and equipment exchange run by a technology application and transfer centre (the operator) to connect those who offer technologies and equipment with those who need them.",
      ],
    },
    {
      heading: "2. Your account",
      paragraphs: [
        "You sign up with your own e-mail address and confirm it before you post, inquire or pay. You keep your password secret and are responsible for what is done under your account.",
        "Whoever posts for an organisation must be allowed to by that organisation.",
      ],
    },
    {
      heading: "3. What you post",
      paragraphs: [
        "Information about technologies, equipment, intellectual property and prices must be true. Do not post anything that breaks Vietnamese law or infringes anyone's intellectual property or trade secrets.",
        "Listings are reviewed by the centre's brokers before they are public; the operator may refuse or remove a listing and says why.",
      ],
    },
    {
      heading: "4. Deals and fees",
      paragraphs: [
        "Techex brings the parties together; a technology transfer contract or equipment sale is an agreement between them. Featured-placement and brokerage fees are shown before you pay through Stripe.",
      ],
    },
    {
      heading: "5. Ending and changes",
      paragraphs: [
        "You may stop using Techex and delete your account at any time. The operator may disable an account that breaks these terms. When the terms change, the new version is published here and we ask for your agreement again where needed.",
      ],
    },
  ],
};

const PRIVACY: Record<Locale, LegalText["sections"]> = {
  vi: [
    {
      heading: "1. Bên kiểm soát và xử lý dữ liệu",
      paragraphs: [
        "Đơn vị vận hành Techex là bên kiểm soát và xử lý dữ liệu cá nhân của bạn theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.",
      ],
    },
    {
      heading: "2. Dữ liệu chúng tôi xử lý",
      paragraphs: [
        "Họ tên, e-mail, số điện thoại (nếu bạn cung cấp), mật khẩu (chỉ lưu dạng băm), ngôn ngữ, tổ chức và vai trò của bạn; nội dung bạn đăng và trao đổi; địa chỉ IP và trình duyệt của các phiên đăng nhập; nhật ký thao tác quan trọng. Chúng tôi không xử lý dữ liệu cá nhân nhạy cảm.",
      ],
    },
    {
      heading: "3. Mục đích",
      paragraphs: [
        "Cung cấp tài khoản và sàn giao dịch; kết nối cung – cầu và gửi thông báo bạn chọn; bảo vệ tài khoản khỏi lạm dụng; thanh toán; thống kê hoạt động của trung tâm ở dạng tổng hợp. Chúng tôi không bán dữ liệu của bạn và không dùng cho quảng cáo.",
      ],
    },
    {
      heading: "4. Chia sẻ và lưu giữ",
      paragraphs: [
        "Bên nhận gồm: tổ chức bạn liên hệ qua sàn (tên và nội dung bạn gửi), Stripe khi bạn thanh toán, nhà cung cấp e-mail gửi thư cho bạn. Dữ liệu được giữ khi tài khoản còn hoạt động; khi bạn xóa tài khoản, dữ liệu cá nhân bị xóa, trừ những gì pháp luật buộc phải lưu.",
      ],
    },
    {
      heading: "5. Quyền của bạn",
      paragraphs: [
        "Bạn có quyền được biết, đồng ý hoặc rút lại đồng ý, truy cập, chỉnh sửa, xóa, hạn chế và phản đối việc xử lý dữ liệu, khiếu nại và yêu cầu bồi thường theo Điều 9 Nghị định 13/2023/NĐ-CP. Gửi yêu cầu tới đơn vị vận hành qua địa chỉ liên hệ của trung tâm; chúng tôi trả lời trong thời hạn luật định.",
      ],
    },
  ],
  en: [
    {
      heading: "1. Who controls your data",
      paragraphs: [
        "The operator of Techex is the controller and processor of your personal data under Vietnam's Decree 13/2023/ND-CP on personal data protection.",
      ],
    },
    {
      heading: "2. What we process",
      paragraphs: [
        "Your name, e-mail address, phone number (if you give one), password (stored only as a hash), language, organisations and roles; what you post and the messages you exchange; the IP address and browser of your sessions; a log of important actions. We process no sensitive personal data.",
      ],
    },
    {
      heading: "3. Why",
      paragraphs: [
        "To run your account and the exchange; to match offers with needs and send the notifications you choose; to protect accounts from abuse; to take payments; to report the centre's activity in aggregate. We do not sell your data or use it for advertising.",
      ],
    },
    {
      heading: "4. Sharing and keeping",
      paragraphs: [
        "Recipients are: the organisations you contact through the exchange (your name and what you send), Stripe when you pay, and the e-mail provider that delivers our messages. Data is kept while your account is active; when you delete your account your personal data is erased, except what the law requires us to keep.",
      ],
    },
    {
      heading: "5. Your rights",
      paragraphs: [
        "You have the rights to be informed, to consent or withdraw consent, to access, correct and delete your data, to restrict and object to its processing, to complain and to claim compensation (Article 9 of Decree 13/2023/ND-CP). Send requests to the operator at the centre's contact address; we answer within the time the law sets.",
      ],
    },
  ],
};

export function legalText(document: "terms" | "privacy", locale: Locale): LegalText {
  return document === "terms" ? { version: TERMS_VERSION, sections: TERMS[locale] } : { version: PRIVACY_VERSION, sections: PRIVACY[locale] };
}
