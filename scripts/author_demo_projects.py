"""Writes data/shapefiles/projects.gpkg: the demo projects of the 2024 plan, drawn by hand.

This script is the provenance of that file, kept so a reviewer can read every coordinate and
value in one place; it is not part of the set-up. The file is the data: the loader reads the
file, and GIS staff may edit the file in QGIS (then this script is out of date).

Honesty rules followed here:
- every geometry is an approximate hand drawing (location_precision = approximate), placed from
  general knowledge of where the work is; where the plan fixes no site, `location_note` says so;
- the plan gives no statuses, percentages, dates or budgets: those below are illustrative demo
  values (is_illustrative = true), and no budget figure is given at all;
- lead and coordinating agencies are inferred from the sector responsibilities the plan
  describes (section IV and its appendix 02, which is not in our copy), not from an assignment.

Run: .venv/bin/python scripts/author_demo_projects.py
"""

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely import wkt

OUT = Path(__file__).resolve().parent.parent / "data" / "shapefiles" / "projects.gpkg"


def line(*pts):
    return "MULTILINESTRING((" + ", ".join(f"{x} {y}" for x, y in pts) + "))"


def points(*pts):
    return "MULTIPOINT(" + ", ".join(f"({x} {y})" for x, y in pts) + ")"


def box(x0, y0, x1, y1):
    return f"MULTIPOLYGON((({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0})))"


def poly(*pts):
    ring = [*pts, pts[0]]
    return "MULTIPOLYGON(((" + ", ".join(f"{x} {y}" for x, y in ring) + ")))"


# District seats, used for programmes that the plan states province-wide.
SEATS = {
    "an_lao": (108.895, 14.525),
    "hoai_an": (108.985, 14.345),
    "vinh_thanh": (108.775, 14.115),
    "van_canh": (108.995, 13.620),
    "tay_son": (108.915, 13.915),
    "phu_my": (109.050, 14.170),
    "phu_cat": (109.060, 14.000),
    "tuy_phuoc": (109.160, 13.830),
}

# Location notes as (Vietnamese, English).
NOT_SITED = (
    "Kế hoạch có nêu công trình này nhưng không xác định vị trí: ký hiệu chỉ đánh dấu đô thị "
    "được nêu tên.",
    "The plan names this work but fixes no site: the symbol marks the named town only.",
)

# code, sector, name (vi), name (en), type, geometry (lon lat), lead, [(agency, role)], status,
# progress %, priority, planned start, planned end, capital sources, published, plan section,
# OC4IDS sectors (empty = the sector's), description (vi), description (en),
# location note (vi, en)
P = []


def project(
    code,
    name,
    name_en,
    geom,
    lead,
    agencies,
    status,
    progress,
    *,
    type_="construction",
    priority="2030",
    start=None,
    end=None,
    capital=(),
    published=True,
    plan="",
    oc4ids="",
    desc="",
    desc_en="",
    note=("", ""),
):
    P.append(
        dict(
            code=code,
            sector=code.split("-")[0],
            name=name,
            name_en=name_en,
            project_type=type_,
            geometry=wkt.loads(geom),
            lead_agency=lead,
            agencies=";".join(f"{a}:{r}" for a, r in agencies),
            status=status,
            progress_pct=progress,
            priority=priority,
            planned_start=start,
            planned_end=end,
            capital_sources=";".join(capital),
            is_published=published,
            is_illustrative=True,
            plan_reference=plan,
            oc4ids_sectors=oc4ids,
            description=desc,
            description_en=desc_en,
            location_precision="approximate",
            location_note=note[0],
            location_note_en=note[1],
        )
    )


# --- II.1 Transport ------------------------------------------------------------------------
project(
    "GT-01",
    "Đường bộ cao tốc Quy Nhơn – Pleiku",
    "Quy Nhon – Pleiku expressway",
    line(
        (109.125, 13.845),
        (109.060, 13.862),
        (108.990, 13.872),
        (108.930, 13.895),
        (108.870, 13.925),
        (108.800, 13.950),
        (108.740, 13.965),
        (108.680, 13.975),
        (108.600, 13.985),
        (108.480, 13.990),
        (108.350, 13.985),
        (108.220, 13.985),
        (108.080, 13.990),
        (108.010, 13.985),
    ),
    "BGTVT",
    [("SGTVT", "coordinator"), ("UBND-AN", "site_clearance"), ("UBND-TS", "site_clearance")],
    "preparing",
    None,
    start="2025-01-01",
    end="2029-12-31",
    capital=["central_budget", "provincial_budget"],
    plan="II.1",
    oc4ids="transport.road",
    desc="Tuyến cao tốc nối TP Quy Nhơn với TP Pleiku; Kế hoạch giao phối hợp với các bộ, "
    "ngành Trung ương đầu tư hoàn thành.",
    desc_en="Expressway linking Quy Nhon with Pleiku; the plan asks the province to work "
    "with central ministries to complete it.",
    note=(
        "Vẽ theo hành lang Quốc lộ 19; nửa phía tây nằm trên địa bàn tỉnh Gia Lai cũ.",
        "Drawn along the National Road 19 corridor; the western half lies in former Gia Lai "
        "province.",
    ),
)
project(
    "GT-02",
    "Nâng cấp, mở rộng Cảng hàng không Phù Cát",
    "Phu Cat airport upgrade and expansion",
    poly((109.030, 13.938), (109.052, 13.938), (109.058, 13.976), (109.036, 13.976)),
    "BGTVT",
    [("ACV", "investor"), ("SGTVT", "coordinator"), ("UBND-PC", "site_clearance")],
    "under_construction",
    35,
    type_="expansion",
    start="2024-06-01",
    end="2027-12-31",
    capital=["central_budget", "private"],
    plan="II.1",
    oc4ids="transport.air",
    desc="Nâng cấp, mở rộng nhà ga, đường cất hạ cánh và sân đỗ Cảng hàng không Phù Cát.",
    desc_en="Upgrade and expansion of the terminal, runway and apron of Phu Cat airport.",
)
project(
    "GT-03",
    "Đường bộ cao tốc Bắc – Nam đoạn Hoài Nhơn – Quy Nhơn (GPMB)",
    "North–South expressway, Hoai Nhon – Quy Nhon section (site clearance)",
    line(
        (108.965, 14.600),
        (108.975, 14.520),
        (108.985, 14.450),
        (108.995, 14.380),
        (109.000, 14.300),
        (109.005, 14.220),
        (109.000, 14.140),
        (108.995, 14.060),
        (108.990, 13.990),
        (108.985, 13.920),
        (108.990, 13.860),
    ),
    "BGTVT",
    [
        ("UBND-TINH", "coordinator"),
        ("UBND-HN", "site_clearance"),
        ("UBND-HA", "site_clearance"),
        ("UBND-PM", "site_clearance"),
        ("UBND-PC", "site_clearance"),
        ("UBND-AN", "site_clearance"),
    ],
    "site_clearance",
    85,
    start="2023-01-01",
    end="2026-12-31",
    capital=["central_budget"],
    plan="II.1",
    oc4ids="transport.road",
    desc="Công tác giải phóng mặt bằng đường cao tốc Bắc – Nam qua địa bàn tỉnh theo kế "
    "hoạch đề ra.",
    desc_en="Site clearance for the North–South expressway through the province, on the "
    "planned schedule.",
)
project(
    "GT-04",
    "Đường bộ cao tốc Bắc – Nam đoạn Quy Nhơn – Chí Thạnh (GPMB)",
    "North–South expressway, Quy Nhon – Chi Thanh section (site clearance)",
    line(
        (108.990, 13.860),
        (109.010, 13.790),
        (109.030, 13.730),
        (109.060, 13.660),
        (109.090, 13.590),
        (109.120, 13.520),
    ),
    "BGTVT",
    [
        ("UBND-TINH", "coordinator"),
        ("UBND-AN", "site_clearance"),
        ("UBND-TP", "site_clearance"),
        ("UBND-VC", "site_clearance"),
    ],
    "site_clearance",
    90,
    start="2023-01-01",
    end="2026-06-30",
    capital=["central_budget"],
    plan="II.1",
    oc4ids="transport.road",
    desc="Giải phóng mặt bằng đoạn cao tốc từ An Nhơn đến ranh giới tỉnh Phú Yên.",
    desc_en="Site clearance for the expressway from An Nhon to the Phu Yen border.",
    note=(
        "Tiếp tục về phía nam vào địa bàn tỉnh Phú Yên cũ.",
        "Continues south into former Phu Yen province.",
    ),
)
project(
    "GT-05",
    "Nâng cấp, mở rộng Quốc lộ 19 (Cảng Quy Nhơn – giáp Gia Lai)",
    "National Road 19 upgrade (Quy Nhon port – Gia Lai border)",
    line(
        (109.238, 13.772),
        (109.200, 13.800),
        (109.160, 13.825),
        (109.120, 13.845),
        (109.060, 13.862),
        (109.000, 13.875),
        (108.930, 13.900),
        (108.880, 13.920),
        (108.800, 13.950),
        (108.720, 13.975),
    ),
    "BGTVT",
    [("SGTVT", "coordinator"), ("UBND-QN", "site_clearance"), ("UBND-TS", "site_clearance")],
    "under_construction",
    60,
    type_="expansion",
    start="2024-01-01",
    end="2026-12-31",
    capital=["central_budget"],
    plan="II.1",
    oc4ids="transport.road",
    desc="Nâng cấp, mở rộng tuyến quốc lộ kết nối cảng Quy Nhơn với Tây Nguyên.",
    desc_en="Upgrading the national road that links Quy Nhon port with the Central Highlands.",
)
project(
    "GT-06",
    "Nâng cấp Quốc lộ 19B (Nhơn Hội – Phù Cát – Tây Sơn)",
    "National Road 19B upgrade (Nhon Hoi – Phu Cat – Tay Son)",
    line(
        (109.258, 13.905),
        (109.200, 13.930),
        (109.120, 13.950),
        (109.040, 13.965),
        (108.960, 13.975),
        (108.880, 14.000),
        (108.800, 14.030),
    ),
    "BGTVT",
    [("SGTVT", "coordinator"), ("UBND-PC", "site_clearance"), ("UBND-TS", "site_clearance")],
    "preparing",
    None,
    type_="expansion",
    start="2026-01-01",
    end="2029-12-31",
    capital=["central_budget"],
    plan="II.1",
    oc4ids="transport.road",
    desc="Nâng cấp tuyến quốc lộ nối Khu kinh tế Nhơn Hội với Cảng hàng không Phù Cát.",
    desc_en="Upgrading the national road from Nhon Hoi economic zone past Phu Cat airport.",
)
project(
    "GT-07",
    "Nâng cấp Quốc lộ 19C (Quy Nhơn – Vân Canh – Phú Yên)",
    "National Road 19C upgrade (Quy Nhon – Van Canh – Phu Yen)",
    line(
        (109.155, 13.800),
        (109.110, 13.760),
        (109.060, 13.700),
        (109.010, 13.650),
        (108.985, 13.610),
        (108.960, 13.540),
        (108.940, 13.470),
    ),
    "BGTVT",
    [("SGTVT", "coordinator"), ("UBND-VC", "site_clearance")],
    "proposed",
    None,
    type_="expansion",
    start="2027-01-01",
    end="2030-12-31",
    capital=["central_budget"],
    plan="II.1",
    oc4ids="transport.road",
)
project(
    "GT-08",
    "Tuyến đường ven biển (ĐT639) qua các huyện phía Bắc",
    "Coastal road (provincial road 639) through the northern districts",
    line(
        (109.262, 13.860),
        (109.238, 13.930),
        (109.236, 14.000),
        (109.205, 14.080),
        (109.195, 14.160),
        (109.180, 14.240),
        (109.150, 14.310),
        (109.110, 14.380),
        (109.105, 14.450),
        (109.072, 14.520),
        (109.068, 14.580),
    ),
    "SGTVT",
    [
        ("BQLDA-GT", "investor"),
        ("UBND-PC", "site_clearance"),
        ("UBND-PM", "site_clearance"),
        ("UBND-HN", "site_clearance"),
    ],
    "under_construction",
    70,
    start="2021-01-01",
    end="2026-12-31",
    capital=["provincial_budget", "central_budget"],
    plan="II.1",
    oc4ids="transport.road",
    desc="Trục giao thông ven biển kết nối Khu kinh tế Nhơn Hội với các huyện phía Bắc.",
    desc_en="Coastal trunk road connecting Nhon Hoi economic zone with the northern districts.",
)
project(
    "GT-09",
    "Đường kết nối cao tốc Bắc – Nam với Cảng hàng không Phù Cát",
    "Road linking the North–South expressway with Phu Cat airport",
    line((108.993, 13.975), (109.010, 13.970), (109.030, 13.962), (109.045, 13.955)),
    "SGTVT",
    [("BQLDA-GT", "investor"), ("UBND-PC", "site_clearance")],
    "preparing",
    None,
    start="2025-06-01",
    end="2027-12-31",
    capital=["provincial_budget"],
    plan="II.1",
    oc4ids="transport.road",
    desc="Tuyến đường kết nối với đường cao tốc trên địa bàn tỉnh.",
    desc_en="A connector road to the expressway within the province.",
)
project(
    "GT-10",
    "Đường kết nối cao tốc Bắc – Nam với khu bến cảng Phù Mỹ",
    "Road linking the North–South expressway with Phu My port area",
    line((109.003, 14.250), (109.060, 14.255), (109.130, 14.255), (109.182, 14.233)),
    "SGTVT",
    [("BQLDA-GT", "investor"), ("UBND-PM", "site_clearance")],
    "proposed",
    None,
    priority="2045",
    capital=["provincial_budget", "central_budget"],
    plan="II.1",
    oc4ids="transport.road",
)
project(
    "GT-11",
    "Nâng cấp, mở rộng Cảng Quy Nhơn",
    "Quy Nhon seaport upgrade and expansion",
    poly((109.232, 13.768), (109.245, 13.768), (109.248, 13.782), (109.235, 13.784)),
    "SGTVT",
    [("SKHDT", "coordinator"), ("BQLKKT", "coordinator")],
    "under_construction",
    40,
    type_="expansion",
    start="2024-01-01",
    end="2028-12-31",
    capital=["private"],
    plan="II.1",
    oc4ids="transport.water",
    desc="Thu hút, kêu gọi đầu tư phát triển, khai thác cảng biển theo quy hoạch.",
    desc_en="Attracting investment to develop and operate the seaport as planned.",
)
project(
    "GT-12",
    "Khu bến cảng Phù Mỹ (kêu gọi đầu tư)",
    "Phu My port area (seeking investors)",
    box(109.178, 14.225, 109.194, 14.240),
    "SGTVT",
    [("SKHDT", "coordinator"), ("UBND-PM", "coordinator")],
    "proposed",
    None,
    priority="2045",
    capital=["private"],
    published=False,
    plan="II.1",
    oc4ids="transport.water",
    note=(
        "Khu vực mang tính chỉ dẫn ở vùng ven biển Phù Mỹ; Kế hoạch không xác định vị trí.",
        "Indicative area on the Phu My coast; the plan fixes no site.",
    ),
)
project(
    "GT-13",
    "Cảng cạn (ICD) phục vụ cảng Quy Nhơn",
    "Dry port (ICD) serving Quy Nhon port",
    points((109.150, 13.775)),
    "SGTVT",
    [("SKHDT", "coordinator")],
    "proposed",
    None,
    capital=["private"],
    plan="II.1",
    oc4ids="transport.road",
    desc="Kêu gọi đầu tư cảng cạn theo quy hoạch.",
    desc_en="Seeking investment in a dry port, as planned.",
    note=NOT_SITED,
)

# --- II.2 Power ------------------------------------------------------------------------------
project(
    "DN-01",
    "Đường dây và trạm biến áp 220 kV cấp điện Khu kinh tế Nhơn Hội",
    "220 kV line and substation supplying Nhon Hoi economic zone",
    line((109.120, 13.840), (109.180, 13.860), (109.230, 13.880), (109.265, 13.900)),
    "EVNNPT",
    [("SCT", "coordinator"), ("BQLKKT", "coordinator"), ("UBND-TP", "site_clearance")],
    "preparing",
    None,
    start="2025-01-01",
    end="2027-12-31",
    capital=["private"],
    plan="II.2",
    oc4ids="energy",
    desc="Phát triển lưới điện theo Quy hoạch điện VIII, ưu tiên khu kinh tế.",
    desc_en="Grid development under Power Development Plan VIII, economic zone first.",
)
project(
    "DN-02",
    "Cải tạo lưới điện trung, hạ áp vùng sâu, vùng xa",
    "Medium and low-voltage grid upgrade in remote areas",
    points(SEATS["an_lao"], SEATS["vinh_thanh"], SEATS["van_canh"]),
    "PCBD",
    [
        ("SCT", "coordinator"),
        ("UBND-AL", "coordinator"),
        ("UBND-VT", "coordinator"),
        ("UBND-VC", "coordinator"),
    ],
    "under_construction",
    50,
    type_="rehabilitation",
    start="2024-01-01",
    end="2026-12-31",
    capital=["oda", "private"],
    plan="II.2",
    oc4ids="energy",
    note=(
        "Chương trình trên địa bàn ba huyện miền núi: các điểm đánh dấu trung tâm huyện lỵ.",
        "Programme across three mountain districts: points mark the district seats.",
    ),
)
project(
    "DN-03",
    "Lưới điện thông minh, tự động hóa lưới phân phối TP Quy Nhơn",
    "Smart grid and distribution automation in Quy Nhon city",
    box(109.180, 13.740, 109.250, 13.800),
    "PCBD",
    [("SCT", "coordinator"), ("UBND-QN", "coordinator")],
    "under_construction",
    30,
    type_="expansion",
    start="2024-06-01",
    end="2027-06-30",
    capital=["private"],
    plan="II.2",
    oc4ids="energy",
)
project(
    "DN-04",
    "Đường dây 110 kV Phù Mỹ – Hoài Nhơn",
    "110 kV line Phu My – Hoai Nhon",
    line((109.050, 14.170), (109.040, 14.250), (109.030, 14.330), (109.020, 14.430)),
    "EVNCPC",
    [("SCT", "coordinator"), ("UBND-PM", "site_clearance"), ("UBND-HN", "site_clearance")],
    "completed",
    100,
    start="2023-01-01",
    end="2024-12-31",
    capital=["private"],
    plan="II.2",
    oc4ids="energy",
)

# --- II.3 Irrigation, disaster prevention, climate change --------------------------------------
project(
    "TL-01",
    "Hồ chứa nước Đồng Mít",
    "Dong Mit reservoir",
    poly(
        (108.860, 14.575),
        (108.885, 14.565),
        (108.900, 14.585),
        (108.880, 14.605),
        (108.862, 14.598),
    ),
    "SNNPTNT",
    [("BQLDA-NN", "investor"), ("UBND-AL", "site_clearance")],
    "under_construction",
    65,
    start="2020-01-01",
    end="2026-12-31",
    capital=["central_budget", "provincial_budget"],
    plan="II.3",
    desc="Công trình tích trữ nước, cấp nước tưới và cắt lũ cho hạ du sông Lại Giang.",
    desc_en="Water storage for irrigation and flood control downstream on the Lai Giang river.",
)
project(
    "TL-02",
    "Đập ngăn mặn giữ ngọt hạ lưu sông Lại Giang",
    "Salt-barrier dam on the lower Lai Giang river",
    line((109.058, 14.417), (109.064, 14.408)),
    "SNNPTNT",
    [("BQLDA-NN", "investor"), ("UBND-HN", "site_clearance")],
    "preparing",
    None,
    start="2025-06-01",
    end="2028-12-31",
    capital=["central_budget", "provincial_budget"],
    plan="II.3",
    oc4ids="naturalResources.floodProtection",
    desc="Đập ngăn mặn giữ ngọt phục vụ sản xuất nông nghiệp và nước sinh hoạt.",
    desc_en="A dam keeping salt water out and fresh water in for farming and households.",
)
project(
    "TL-03",
    "Nâng cấp, bảo đảm an toàn hồ chứa nước Định Bình",
    "Dinh Binh reservoir safety upgrade",
    poly(
        (108.800, 14.185),
        (108.845, 14.180),
        (108.850, 14.225),
        (108.830, 14.262),
        (108.805, 14.240),
    ),
    "SNNPTNT",
    [("BQLDA-NN", "investor"), ("UBND-VT", "coordinator")],
    "under_construction",
    45,
    type_="rehabilitation",
    start="2024-01-01",
    end="2026-12-31",
    capital=["central_budget", "oda"],
    plan="II.3",
)
project(
    "TL-04",
    "Hoàn chỉnh hệ thống kênh tưới Văn Phong",
    "Van Phong irrigation canal system",
    line((108.880, 13.925), (108.950, 13.905), (109.020, 13.890), (109.080, 13.880)),
    "SNNPTNT",
    [("BQLDA-NN", "investor"), ("UBND-TS", "site_clearance"), ("UBND-AN", "site_clearance")],
    "under_construction",
    55,
    type_="expansion",
    start="2023-01-01",
    end="2026-12-31",
    capital=["central_budget"],
    plan="II.3",
)
project(
    "TL-05",
    "Kè chống sạt lở bờ biển Nhơn Lý – Cát Tiến",
    "Coastal erosion embankment, Nhon Ly – Cat Tien",
    line(
        (109.294, 13.870),
        (109.292, 13.885),
        (109.262, 13.905),
        (109.247, 13.935),
        (109.250, 13.958),
    ),
    "SNNPTNT",
    [("BQLDA-NN", "investor"), ("UBND-QN", "coordinator"), ("UBND-PC", "coordinator")],
    "completed",
    100,
    start="2022-01-01",
    end="2024-06-30",
    capital=["provincial_budget", "central_budget"],
    plan="II.3",
    oc4ids="naturalResources.floodProtection",
)
project(
    "TL-06",
    "Nâng cấp hồ chứa nước Núi Một",
    "Nui Mot reservoir upgrade",
    poly((108.975, 13.820), (109.000, 13.818), (109.006, 13.842), (108.985, 13.852)),
    "SNNPTNT",
    [("BQLDA-NN", "investor"), ("UBND-AN", "coordinator")],
    "in_operation",
    100,
    type_="rehabilitation",
    start="2019-01-01",
    end="2022-12-31",
    capital=["provincial_budget"],
    plan="II.3",
)
project(
    "TL-07",
    "Đê, kè chống lũ hạ lưu sông Kôn – Hà Thanh",
    "Flood dykes on the lower Kon – Ha Thanh rivers",
    line((109.120, 13.840), (109.160, 13.830), (109.190, 13.810)),
    "SNNPTNT",
    [("BQLDA-NN", "investor"), ("UBND-TP", "site_clearance")],
    "preparing",
    None,
    start="2026-01-01",
    end="2028-12-31",
    capital=["oda", "provincial_budget"],
    plan="II.3",
    oc4ids="naturalResources.floodProtection",
)

# --- II.4 Urban ------------------------------------------------------------------------------
project(
    "DT-01",
    "Thoát nước và xử lý nước thải TP Quy Nhơn (mở rộng)",
    "Quy Nhon drainage and wastewater treatment (extension)",
    points((109.205, 13.790), (109.185, 13.755)),
    "SXD",
    [("UBND-QN", "coordinator"), ("BQLDA-DD", "investor")],
    "under_construction",
    40,
    type_="expansion",
    start="2023-01-01",
    end="2027-12-31",
    capital=["oda", "provincial_budget"],
    plan="II.4",
    oc4ids="waterAndWaste",
    desc="Cải tạo hệ thống thoát nước, thu gom xử lý nước thải đô thị.",
    desc_en="Upgrading urban drainage and wastewater collection and treatment.",
)
project(
    "DT-02",
    "Khu đô thị mới Nhơn Hội",
    "Nhon Hoi new urban area",
    poly((109.255, 13.830), (109.285, 13.830), (109.290, 13.870), (109.260, 13.870)),
    "SXD",
    [("BQLKKT", "coordinator"), ("UBND-QN", "coordinator")],
    "under_construction",
    50,
    start="2020-01-01",
    end="2028-12-31",
    capital=["private"],
    plan="II.4",
    oc4ids="transport.urban",
)
project(
    "DT-03",
    "Khu đô thị mới Long Vân",
    "Long Van new urban area",
    box(109.160, 13.800, 109.182, 13.815),
    "SXD",
    [("UBND-QN", "coordinator")],
    "under_construction",
    75,
    start="2019-01-01",
    end="2026-12-31",
    capital=["private"],
    plan="II.4",
    oc4ids="transport.urban",
)
project(
    "DT-04",
    "Nhà ở xã hội, nhà ở công nhân khu công nghiệp An Nhơn",
    "Social and worker housing near An Nhon industrial parks",
    box(109.020, 13.810, 109.035, 13.822),
    "SXD",
    [("UBND-AN", "coordinator"), ("BQLKKT", "coordinator")],
    "preparing",
    None,
    start="2025-06-01",
    end="2028-12-31",
    capital=["private"],
    plan="II.4",
    oc4ids="socialHousing",
)
project(
    "DT-05",
    "Hạ tầng kỹ thuật đô thị Hoài Nhơn (Bồng Sơn – Tam Quan)",
    "Urban infrastructure of Hoai Nhon (Bong Son – Tam Quan)",
    box(109.000, 14.420, 109.040, 14.450),
    "UBND-HN",
    [("SXD", "coordinator")],
    "under_construction",
    35,
    type_="expansion",
    start="2024-01-01",
    end="2027-12-31",
    capital=["provincial_budget", "district_budget"],
    plan="II.4",
)

# --- II.5 Industrial zones and clusters ------------------------------------------------------
project(
    "CN-01",
    "Hạ tầng kỹ thuật Khu kinh tế Nhơn Hội",
    "Nhon Hoi economic zone infrastructure",
    poly(
        (109.225, 13.840),
        (109.292, 13.840),
        (109.290, 13.890),
        (109.250, 13.960),
        (109.215, 13.975),
        (109.200, 13.930),
    ),
    "BQLKKT",
    [("SKHDT", "coordinator"), ("UBND-QN", "site_clearance"), ("UBND-PC", "site_clearance")],
    "under_construction",
    55,
    type_="expansion",
    start="2020-01-01",
    end="2030-12-31",
    capital=["central_budget", "provincial_budget", "private"],
    plan="II.5",
)
project(
    "CN-02",
    "Khu công nghiệp Becamex VSIP Bình Định",
    "Becamex VSIP Binh Dinh industrial park",
    poly((108.990, 13.790), (109.030, 13.790), (109.035, 13.820), (108.995, 13.825)),
    "BQLKKT",
    [("UBND-AN", "site_clearance")],
    "under_construction",
    40,
    start="2021-01-01",
    end="2030-12-31",
    capital=["private"],
    plan="II.5",
)
project(
    "CN-03",
    "Khu công nghiệp Hòa Hội",
    "Hoa Hoi industrial park",
    box(109.055, 14.030, 109.080, 14.050),
    "BQLKKT",
    [("UBND-PC", "site_clearance")],
    "site_clearance",
    20,
    start="2024-01-01",
    end="2028-12-31",
    capital=["private"],
    plan="II.5",
)
project(
    "CN-04",
    "Khu công nghiệp Nhơn Hội (Khu A)",
    "Nhon Hoi industrial park (zone A)",
    box(109.240, 13.880, 109.265, 13.905),
    "BQLKKT",
    [("UBND-QN", "coordinator")],
    "in_operation",
    100,
    start="2010-01-01",
    end="2020-12-31",
    capital=["private"],
    plan="II.5",
)
project(
    "CN-05",
    "Cụm công nghiệp Tam Quan",
    "Tam Quan industrial cluster",
    box(109.040, 14.550, 109.050, 14.558),
    "UBND-HN",
    [("SCT", "coordinator")],
    "under_construction",
    60,
    start="2022-01-01",
    end="2026-12-31",
    capital=["private", "district_budget"],
    plan="II.5",
)
project(
    "CN-06",
    "Hạ tầng ngoài hàng rào KCN Phú Tài – Long Mỹ",
    "Off-site infrastructure for Phu Tai – Long My industrial parks",
    line((109.140, 13.820), (109.150, 13.780), (109.165, 13.740)),
    "BQLKKT",
    [("SGTVT", "coordinator"), ("UBND-QN", "site_clearance")],
    "preparing",
    None,
    type_="expansion",
    start="2026-01-01",
    end="2028-12-31",
    capital=["provincial_budget"],
    plan="II.5",
    desc="Đầu tư nâng cấp, hoàn thiện hạ tầng kỹ thuật bên ngoài hàng rào khu công nghiệp.",
    desc_en="Upgrading the technical infrastructure outside the industrial parks' fences.",
)

# --- II.6 Commerce ---------------------------------------------------------------------------
project(
    "TM-01",
    "Chợ tiêu thụ sản phẩm nông nghiệp tại thị xã An Nhơn",
    "Agricultural produce market in An Nhon town",
    points((109.100, 13.885)),
    "SCT",
    [("UBND-AN", "investor")],
    "preparing",
    None,
    start="2025-06-01",
    end="2027-12-31",
    capital=["district_budget", "private"],
    plan="II.6",
    desc="Xây dựng chợ tiêu thụ sản phẩm nông nghiệp tại thị xã An Nhơn.",
    desc_en="Building a market for agricultural produce in An Nhon town.",
    note=NOT_SITED,
)
project(
    "TM-02",
    "Chợ tiêu thụ sản phẩm nông nghiệp tại thị xã Hoài Nhơn",
    "Agricultural produce market in Hoai Nhon town",
    points((109.025, 14.440)),
    "SCT",
    [("UBND-HN", "investor")],
    "proposed",
    None,
    start="2026-01-01",
    end="2028-12-31",
    capital=["district_budget", "private"],
    plan="II.6",
    note=NOT_SITED,
)
project(
    "TM-03",
    "Trung tâm Hội chợ triển lãm cấp vùng tại TP Quy Nhơn",
    "Regional exhibition and fair centre in Quy Nhon",
    points((109.200, 13.795)),
    "SCT",
    [("SKHDT", "coordinator"), ("UBND-QN", "coordinator")],
    "proposed",
    None,
    start="2026-01-01",
    end="2029-12-31",
    capital=["provincial_budget", "private"],
    plan="II.6",
    desc="Xây dựng mới Trung tâm Hội chợ triển lãm cấp vùng nhằm tăng cường xúc tiến thương mại.",
    desc_en="A new regional exhibition centre to strengthen trade promotion.",
    note=NOT_SITED,
)
project(
    "TM-04",
    "Trung tâm Hội chợ hàng nông lâm sản tại Hoài Nhơn",
    "Agricultural and forestry products fair centre in Hoai Nhon",
    points((109.035, 14.425)),
    "SCT",
    [("UBND-HN", "coordinator")],
    "proposed",
    None,
    start="2026-01-01",
    end="2029-12-31",
    capital=["provincial_budget", "private"],
    plan="II.6",
    note=NOT_SITED,
)
project(
    "TM-05",
    "Trung tâm dịch vụ logistics Nhơn Hội",
    "Nhon Hoi logistics centre",
    points((109.250, 13.900)),
    "SCT",
    [("BQLKKT", "coordinator")],
    "proposed",
    None,
    priority="2045",
    capital=["private"],
    plan="II.6",
    oc4ids="economy",
    note=NOT_SITED,
)

project(
    "TM-06",
    "Nâng cấp chợ Đập Đá",
    "Dap Da market upgrade",
    points((109.118, 13.872)),
    "UBND-AN",
    [("SCT", "coordinator")],
    "under_construction",
    55,
    type_="expansion",
    start="2024-06-01",
    end="2026-06-30",
    capital=["district_budget", "private"],
    plan="II.6",
    desc="Tập trung đầu tư, nâng cấp hệ thống chợ đảm bảo văn minh thương mại, an toàn thực phẩm.",
    desc_en="Upgrading markets for orderly trade and food safety.",
)

# --- II.7 Information and digital ------------------------------------------------------------
project(
    "TT-01",
    "Trung tâm dữ liệu tỉnh và nền tảng chính quyền số",
    "Provincial data centre and digital government platform",
    points((109.222, 13.775)),
    "STTTT",
    [("UBND-TINH", "coordinator")],
    "under_construction",
    45,
    start="2024-01-01",
    end="2026-12-31",
    capital=["provincial_budget"],
    plan="II.7",
    desc="Phát triển hạ tầng số phục vụ chuyển đổi số, chính quyền số.",
    desc_en="Digital infrastructure for the digital transformation and e-government.",
)
project(
    "TT-02",
    "Hạ tầng 5G và IoT tại khu kinh tế, khu công nghiệp",
    "5G and IoT infrastructure in the economic zone and industrial parks",
    points((109.250, 13.890), (109.010, 13.810), (109.140, 13.820)),
    "STTTT",
    [("BQLKKT", "coordinator")],
    "under_construction",
    25,
    start="2025-01-01",
    end="2027-12-31",
    capital=["private"],
    plan="II.7",
    note=(
        "Các điểm đánh dấu khu kinh tế và hai khu công nghiệp, không phải vị trí trạm thu phát "
        "sóng.",
        "Points mark the economic zone and two industrial parks, not antenna sites.",
    ),
)
project(
    "TT-03",
    "Trung tâm điều hành đô thị thông minh TP Quy Nhơn",
    "Quy Nhon smart city operations centre",
    points((109.225, 13.772)),
    "UBND-QN",
    [("STTTT", "coordinator")],
    "in_operation",
    100,
    start="2021-01-01",
    end="2022-12-31",
    capital=["district_budget"],
    plan="II.7",
)

# --- II.8 Education, science and technology --------------------------------------------------
project(
    "GD-01",
    "Khu Đô thị Khoa học Quy Hòa",
    "Quy Hoa science urban area",
    poly((109.205, 13.715), (109.230, 13.715), (109.232, 13.738), (109.207, 13.740)),
    "SKHCN",
    [("UBND-QN", "coordinator"), ("SXD", "coordinator")],
    "under_construction",
    40,
    start="2020-01-01",
    end="2030-12-31",
    capital=["provincial_budget", "private"],
    plan="II.8",
    oc4ids="education",
    desc="Đẩy mạnh triển khai để hoàn thành Đề án phát triển Khu Đô thị Khoa học Quy Hòa.",
    desc_en="Completing the scheme to develop the Quy Hoa science urban area.",
)
project(
    "GD-02",
    "Nâng cấp Trung tâm đổi mới sáng tạo tỉnh thành Trung tâm cấp vùng",
    "Upgrading the provincial innovation centre into a regional centre",
    points((109.217, 13.771)),
    "SKHCN",
    [("STC", "coordinator")],
    "preparing",
    None,
    type_="expansion",
    start="2025-01-01",
    end="2027-12-31",
    capital=["provincial_budget"],
    plan="II.8",
    note=NOT_SITED,
)
project(
    "GD-03",
    "Nâng cấp Trung tâm Khám phá khoa học và đổi mới sáng tạo",
    "Upgrading the Science Discovery and Innovation Centre",
    points((109.212, 13.733)),
    "SKHCN",
    [],
    "preparing",
    None,
    type_="expansion",
    start="2025-01-01",
    end="2026-12-31",
    capital=["provincial_budget"],
    plan="II.8",
    note=NOT_SITED,
)
project(
    "GD-04",
    "Nâng cấp Trung tâm Phân tích và đo lường chất lượng",
    "Upgrading the Quality Analysis and Measurement Centre",
    points((109.219, 13.779)),
    "SKHCN",
    [],
    "proposed",
    None,
    type_="expansion",
    capital=["provincial_budget"],
    plan="II.8",
    note=NOT_SITED,
)
project(
    "GD-05",
    "Kiên cố hóa trường lớp, đạt chuẩn quốc gia (Đề án 3208/QĐ-UBND)",
    "Permanent school buildings to national standard (scheme 3208/QĐ-UBND)",
    points(
        SEATS["an_lao"], SEATS["hoai_an"], SEATS["vinh_thanh"], SEATS["van_canh"], SEATS["tay_son"]
    ),
    "SGDDT",
    [
        ("UBND-AL", "investor"),
        ("UBND-HA", "investor"),
        ("UBND-VT", "investor"),
        ("UBND-VC", "investor"),
        ("UBND-TS", "investor"),
    ],
    "under_construction",
    70,
    type_="rehabilitation",
    start="2022-10-03",
    end="2025-12-31",
    capital=["provincial_budget", "district_budget"],
    plan="II.8",
    desc="Đầu tư cơ sở vật chất giáo dục mầm non và phổ thông giai đoạn 2022-2025.",
    desc_en="School facilities for pre-school and general education, 2022-2025.",
    note=(
        "Chương trình toàn tỉnh: các điểm đánh dấu trung tâm huyện lỵ, không phải trường học.",
        "Province-wide programme: points mark the district seats, not schools.",
    ),
)

# --- II.9 Health -----------------------------------------------------------------------------
project(
    "YT-01",
    "Nâng cao năng lực y tế cơ sở (Đề án 3101/QĐ-UBND)",
    "Strengthening grassroots health care (scheme 3101/QĐ-UBND)",
    points(
        SEATS["an_lao"], SEATS["vinh_thanh"], SEATS["van_canh"], SEATS["phu_my"], SEATS["tuy_phuoc"]
    ),
    "SYT",
    [("UBND-AL", "coordinator"), ("UBND-VT", "coordinator"), ("UBND-VC", "coordinator")],
    "under_construction",
    60,
    type_="rehabilitation",
    start="2022-09-23",
    end="2025-12-31",
    capital=["provincial_budget"],
    plan="II.9",
    note=(
        "Chương trình toàn tỉnh: các điểm đánh dấu trung tâm huyện lỵ, không phải trạm y tế.",
        "Province-wide programme: points mark the district seats, not health stations.",
    ),
)
project(
    "YT-02",
    "Bệnh viện chuyên khoa Ung bướu ngoài công lập (kêu gọi đầu tư)",
    "Private oncology hospital (seeking investors)",
    points((109.195, 13.790)),
    "SYT",
    [("SKHDT", "coordinator")],
    "proposed",
    None,
    capital=["private"],
    published=False,
    plan="II.9",
    note=NOT_SITED,
)
project(
    "YT-03",
    "Nâng cấp Bệnh viện Đa khoa khu vực Bồng Sơn",
    "Upgrading Bong Son regional general hospital",
    points((109.020, 14.432)),
    "SYT",
    [("BQLDA-DD", "investor")],
    "under_construction",
    30,
    type_="expansion",
    start="2024-06-01",
    end="2026-12-31",
    capital=["provincial_budget"],
    plan="II.9",
)

# --- II.10 Culture, sport, tourism -----------------------------------------------------------
project(
    "VH-01",
    "Khu liên hợp thể thao tỉnh",
    "Provincial sports complex",
    points((109.198, 13.802)),
    "SVHTT",
    [("BQLDA-DD", "investor"), ("UBND-QN", "coordinator")],
    "proposed",
    None,
    priority="2045",
    capital=["provincial_budget", "private"],
    plan="II.10",
    note=NOT_SITED,
)
project(
    "VH-02",
    "Bảo tồn, phát huy giá trị di tích Thành Hoàng Đế",
    "Conservation of the Hoang De citadel national heritage site",
    box(109.090, 13.900, 109.101, 13.911),
    "SVHTT",
    [("UBND-AN", "coordinator")],
    "under_construction",
    50,
    type_="rehabilitation",
    start="2023-01-01",
    end="2027-12-31",
    capital=["central_budget", "provincial_budget"],
    plan="II.10",
)
project(
    "VH-03",
    "Nâng cấp Bảo tàng Quang Trung",
    "Quang Trung museum upgrade",
    points((108.915, 13.917)),
    "SVHTT",
    [("UBND-TS", "coordinator")],
    "completed",
    100,
    type_="expansion",
    start="2021-01-01",
    end="2024-12-31",
    capital=["provincial_budget"],
    plan="II.10",
)
project(
    "VH-04",
    "Hạ tầng du lịch Kỳ Co – Eo Gió – Nhơn Lý",
    "Tourism infrastructure at Ky Co – Eo Gio – Nhon Ly",
    line((109.268, 13.870), (109.283, 13.860), (109.292, 13.851)),
    "SDL",
    [("UBND-QN", "coordinator")],
    "under_construction",
    65,
    start="2023-01-01",
    end="2026-06-30",
    capital=["provincial_budget", "private"],
    plan="II.10",
)
project(
    "VH-05",
    "Bảo tồn cụm tháp Chăm Dương Long",
    "Conservation of the Duong Long Cham towers",
    points((108.935, 13.990)),
    "SVHTT",
    [("UBND-TS", "coordinator")],
    "preparing",
    None,
    type_="rehabilitation",
    start="2026-01-01",
    end="2028-12-31",
    capital=["central_budget"],
    plan="II.10",
)


# Illustrative progress reports, one before each 10 December deadline (the plan's yearly
# report), the latest matching the project's status above.
def reports():
    rows = []
    for p in P:
        if p["status"] in ("proposed",):
            continue
        final = p["progress_pct"]
        earlier_status = {"completed": "under_construction", "in_operation": "completed"}.get(
            p["status"], p["status"]
        )
        if final is not None:
            earlier = round(final * 0.6, 1) if p["status"] not in ("in_operation",) else 100.0
        else:
            earlier = None
        rows.append(
            dict(
                project=p["code"],
                report_date="2024-12-05",
                status=earlier_status,
                progress_pct=earlier,
                reporting_agency=p["lead_agency"],
                note="",  # the "illustrative" badge says it, in the page's language
                is_illustrative=True,
            )
        )
        rows.append(
            dict(
                project=p["code"],
                report_date="2025-12-05",
                status=p["status"],
                progress_pct=final,
                reporting_agency=p["lead_agency"],
                note="",  # the "illustrative" badge says it, in the page's language
                is_illustrative=True,
            )
        )
    return rows


def main():
    frame = gpd.GeoDataFrame(P, geometry="geometry", crs="EPSG:4326")
    OUT.unlink(missing_ok=True)
    frame.to_file(OUT, layer="projects", driver="GPKG", engine="pyogrio")
    progress = pd.DataFrame(reports())
    gpd.GeoDataFrame(progress).to_file(
        OUT, layer="progress_reports", driver="GPKG", engine="pyogrio"
    )
    print(f"{len(frame)} projects, {len(progress)} reports -> {OUT}")


if __name__ == "__main__":
    main()
