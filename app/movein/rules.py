"""What a move-in needs (seeds 002, 003): the documents by case, the agreements, what is issued, and the
default inspection list (物业验收清单); who does it."""

from __future__ import annotations

from app.i18n import lazy

WRITERS = frozenset({"frontdesk", "supervisor"})
READERS = frozenset({"frontdesk", "duty", "supervisor", "manager", "qa"})
CASES: dict[str, str] = {
    "in_person": lazy("Owner in person"),
    "proxy": lazy("By proxy"),
    "company": lazy("A company"),
}
# M1: copies checked against the originals (seed 003 二 1).
_OWNER_DOCUMENTS = ["购房合同复印件", "业主身份证复印件", "接房通知书"]
DOCUMENTS: dict[str, list[str]] = {
    "in_person": _OWNER_DOCUMENTS,
    "proxy": [*_OWNER_DOCUMENTS, "业主委托书", "代理人身份证复印件"],
    "company": [*_OWNER_DOCUMENTS, "营业执照副本复印件", "法人代表授权书"],
}
AGREEMENTS = ["业主临时管理规约", "精神文明建设公约", "区域防火责任书"]  # M3
ISSUED = ["全套钥匙", "业主手册", "房屋使用说明书", "房屋质量保证书"]  # M3
INSPECTION_RECORD = "物业验收清单"  # goes into the file when the inspection is signed
HANDOVER_RECORD = "交房记录"

# M2: the default list, room by room (configurable per office).
DEFAULT_CHECKLIST: list[tuple[str, str]] = [
    (room, item)
    for room, items in (
        ("入户门", ["门体及门锁", "猫眼、门铃、可视对讲"]),
        ("客厅", ["墙面", "天花", "地面", "门窗及玻璃", "开关插座"]),
        ("卧室", ["墙面", "地面", "门窗及玻璃", "开关插座"]),
        ("厨房", ["墙地砖", "给排水管道", "燃气管道及燃气表", "烟道"]),
        ("卫生间", ["墙地砖", "防水及地漏", "洁具", "给排水管道"]),
        ("阳台", ["栏杆", "地漏及排水", "门窗"]),
        ("水电气", ["水表", "电表及配电箱", "燃气表"]),
    )
    for item in items
]
