//! The simulated portals: two origins, three public services, each a few form steps whose
//! fields the state may pre-fill (declared from a database, rendered by the server, set by
//! script) or leaves to the citizen.

/// The portals (browser origins the beacons come from).
pub const PORTALS: [&str; 2] = [
    "https://dichvucong.gov.vn",
    "https://dichvucong.hanoi.gov.vn",
];

/// The service codes, in the order the report sorts them.
pub const SERVICES: [&str; 3] = ["1.000458", "1.001234", "2.002154"];

/// Who fills a field when nobody has touched it.
#[derive(Debug, Clone, Copy)]
pub enum Fill {
    /// Declared pre-filled from a database (`None`: the page names no source).
    Declared(Option<&'static str>),
    /// Rendered with a value by the server.
    Server,
    /// Set by page script.
    Script,
    /// Left to the citizen.
    Citizen,
}

/// A field of a step's form.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub key: &'static str,
    pub fill: Fill,
    /// Read-only when pre-filled.
    pub locked: bool,
}

const fn f(key: &'static str, fill: Fill) -> FieldDef {
    FieldDef {
        key,
        fill,
        locked: false,
    }
}

const fn locked(key: &'static str, fill: Fill) -> FieldDef {
    FieldDef {
        key,
        fill,
        locked: true,
    }
}

/// One form step (a page).
#[derive(Debug, Clone, Copy)]
pub struct StepDef {
    pub slug: &'static str,
    pub form: &'static str,
    pub fields: &'static [FieldDef],
}

const DC: Option<&str> = Some("CSDLQG-DC");
const BHXH: Option<&str> = Some("CSDL-BHXH");
const DKKD: Option<&str> = Some("CSDL-DKKD");

const STEPS_0458: &[StepDef] = &[
    StepDef {
        slug: "buoc-1",
        form: "form-dang-ky",
        fields: &[
            f("ho_ten", Fill::Declared(None)),
            f("dia_chi", Fill::Script),
            f("so_dien_thoai", Fill::Citizen),
            f("ly_do", Fill::Citizen),
        ],
    },
    StepDef {
        slug: "buoc-2",
        form: "form-lich-hen",
        fields: &[
            f("ngay_hen", Fill::Citizen),
            f("noi_nhan", Fill::Server),
            f("email", Fill::Citizen),
        ],
    },
    StepDef {
        slug: "xac-nhan",
        form: "form-xac-nhan",
        fields: &[f("cam_ket", Fill::Citizen)],
    },
];

const STEPS_1234: &[StepDef] = &[
    StepDef {
        slug: "buoc-1",
        form: "form-buoc-1",
        fields: &[
            locked("ho_ten", Fill::Declared(DC)),
            f("ngay_sinh", Fill::Declared(DC)),
            f("gioi_tinh", Fill::Server),
            f("so_dien_thoai", Fill::Citizen),
            f("email", Fill::Citizen),
        ],
    },
    StepDef {
        slug: "buoc-2",
        form: "form-buoc-2",
        fields: &[
            f("noi_thuong_tru", Fill::Declared(DC)),
            f("dia_chi_lien_he", Fill::Script),
            f("muc_dich", Fill::Citizen),
            f("so_luong", Fill::Citizen),
        ],
    },
    StepDef {
        slug: "xac-nhan",
        form: "form-xac-nhan",
        fields: &[f("cam_ket", Fill::Citizen)],
    },
];

const STEPS_2154: &[StepDef] = &[
    StepDef {
        slug: "buoc-1",
        form: "form-doanh-nghiep",
        fields: &[
            locked("ho_ten", Fill::Declared(DC)),
            f("so_so_bhxh", Fill::Declared(BHXH)),
            f("ten_doanh_nghiep", Fill::Declared(DKKD)),
            f("ma_so_thue", Fill::Server),
        ],
    },
    StepDef {
        slug: "buoc-2",
        form: "form-nganh-nghe",
        fields: &[
            f("nganh_nghe", Fill::Citizen),
            f("von_dieu_le", Fill::Citizen),
            f("dia_chi", Fill::Script),
            f("so_dien_thoai", Fill::Citizen),
        ],
    },
    StepDef {
        slug: "buoc-3",
        form: "form-tai-lieu",
        fields: &[f("ghi_chu", Fill::Citizen), f("email", Fill::Citizen)],
    },
    StepDef {
        slug: "xac-nhan",
        form: "form-xac-nhan",
        fields: &[f("cam_ket", Fill::Citizen)],
    },
];

/// A service's form steps, in order (the last one confirms).
pub fn steps(service: &str) -> &'static [StepDef] {
    match service {
        "1.000458" => STEPS_0458,
        "1.001234" => STEPS_1234,
        "2.002154" => STEPS_2154,
        other => panic!("unknown service {other}"),
    }
}

/// The path of a service's step.
pub fn step_path(service: &str, slug: &str) -> String {
    format!("/dich-vu/{service}/{slug}")
}

/// The service's information page (before login).
pub fn info_path(service: &str) -> String {
    format!("/dich-vu/{service}")
}

/// The receipt page (the dossier code scrubbed to `:id`).
pub fn receipt_path(service: &str) -> String {
    format!("/dich-vu/{service}/bien-nhan/:id")
}

/// The portal's home page.
pub const HOME: &str = "/";
/// The login page.
pub const LOGIN: &str = "/dang-nhap";

/// The reasons a citizen may give with a rating.
pub const REASONS: [&str; 5] = [
    "too_slow",
    "re_enter_data",
    "unclear_errors",
    "hard_on_mobile",
    "other",
];
