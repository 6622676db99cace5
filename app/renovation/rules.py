"""What a renovation needs (seed 003 三, 四, 五; seed 002): the prohibited works and safety points the
applicant is told in writing, and who does what."""

from __future__ import annotations

from app.i18n import lazy

WRITERS = frozenset({"frontdesk", "supervisor"})
READERS = frozenset({"frontdesk", "duty", "supervisor", "manager", "engineering_lead", "patrol", "qa"})
APPLICANTS: dict[str, str] = {"owner": lazy("The owner"), "tenant": lazy("A tenant")}
CONTRACTORS: dict[str, str] = {"company": lazy("A renovation company"), "self": lazy("Self-hired workers")}
STATES: dict[str, str] = {
    "applied": lazy("Applied"),
    "permitted": lazy("Permit issued"),
    "completed": lazy("Completed"),
}

# Seed 003 五 1–14: 装修禁止行为 (shown in full; each is a check on the renovation patrol).
PROHIBITED_WORKS = [
    "搭建建筑物、构筑物",
    "改变房屋外立面，在非承重外墙上开门、窗",
    "损坏房屋承重结构、主体结构和基础",
    "擅自变动建筑主体和承重结构",
    "开挖地下室、打井等",
    "擅自改建、重建建筑物及其附属设施，破坏房屋外貌",
    "损坏物业共有设施、设备及场地，擅自移动共有设施、设备",
    "损坏房屋原有节能设施或者降低节能效果",
    "擅自改变物业使用性质",
    "擅自改变房屋内区域功能",
    "侵占物业共有部位及共有设施",
    "遮挡封包室内燃气管道和设施",
    "擅自拆接共用水管、燃气管道和供电设施",
    "其他影响建筑结构安全、使用安全，以及影响建筑外貌的行为",
]
# Seed 003 四 1–4: 注意事项.
SAFETY_POINTS = [
    "拆除室内的安全防护栏",
    "移动和改变可视电话、红外线监视器和煤气报警器位置",
    "装饰遮挡和包裹处理室内外雨、污排水主管道",
    "装饰遮挡和封闭处理燃气主管道及燃气表",
]
STRUCTURE_NOTE = (
    "如改变建筑主体和承重结构、增加楼层、超过设计标准增加楼面荷载的，"
    "应当经原设计单位或者具有相应资质等级的设计单位提出设计方案。"
)
# 竣工验收 items (configurable later; the defaults).
COMPLETION_ITEMS = [
    "承重结构及外立面无改动",
    "公共设施设备完好",
    "燃气管道及表具未遮挡",
    "装修垃圾已清运",
    "防水及排水正常",
]

# What a permit still lacks, in the words staff use (M5, M4, M6).
NEED_ACK = "业主签收《装修禁止行为和注意事项》"
NEED_APPROVAL = "主管部门（原设计单位）的批准文件"
NEED_AGREEMENT = "《装修管理服务协议》（业主、施工方、管理处三方签字）"
NEED_FEES = "装修垃圾清运费及装修押金的缴费收据"
