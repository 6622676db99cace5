"""Demo patrol routes of an office (SPEC P1, P2, P5, P6, D9): garden, lobbies and lift halls, basement
car park, plant rooms, the entrusted homes' outside round and the supervisor's duty spot check."""

from __future__ import annotations

from app.org.service import buildings_of_office
from app.patrols._codes import new_code
from app.patrols._entrusted import sync_entrusted_checkpoints
from app.patrols.tables import CheckItem, Checkpoint, PatrolRoute

GUARD = [("岗位有人值守，着装规范", "security"), ("巡逻签到表、记事本按时填写", "security")]

# (route name, kind, rounds a day, [(checkpoint, location, [(check item, department)])])
_ROUTES = [
    (
        "花园日常巡查",
        "patrol",
        2,
        [
            ("东门岗亭", "小区东门", [*GUARD, ("岗亭内外整洁", "cleaning")]),
            (
                "中心花园",
                "喷泉广场",
                [
                    ("草坪、绿篱修剪整齐，无枯死苗木", "landscaping"),
                    ("地面无垃圾、无积水", "cleaning"),
                    ("路灯、座椅完好", "engineering"),
                ],
            ),
            ("儿童游乐区", "中心花园南侧", [("游乐设施完好无松动", "engineering"), ("地面干净", "cleaning")]),
            ("公告栏", "会所门口", [("公告在有效期内、张贴整齐", "customer_service")]),
            ("垃圾收集点", "小区西北角", [("垃圾桶加盖、按时清运、无异味", "cleaning")]),
            ("西门岗亭", "小区西门", [*GUARD, ("车辆进出登记完整", "security")]),
        ],
    ),
    (
        "地下车库",
        "patrol",
        1,
        [
            ("车库入口岗", "B1 入口", [*GUARD[:1], ("车辆出入登记完整", "security")]),
            (
                "B1 东区",
                "B1 东",
                [("照明正常", "engineering"), ("无积水、无渗漏", "engineering"), ("地面清洁", "cleaning")],
            ),
            ("B1 西区", "B1 西", [("消防栓、灭火器完好", "security"), ("车位标线清晰", "engineering")]),
            ("集水井", "B1 东北角", [("排水通畅、水泵正常", "engineering")]),
        ],
    ),
    (
        "设备机房",
        "patrol",
        1,
        [
            (
                "配电房",
                "1号楼地下室",
                [("设备运行正常，无异响异味", "engineering"), ("门锁完好，闲人免进", "security")],
            ),
            ("生活水泵房", "B1", [("水泵运行正常，无漏水", "engineering")]),
            ("消防控制室", "会所一层", [("有人值班、记录齐全", "security"), ("报警主机无故障", "engineering")]),
            ("电梯机房", "各楼栋顶层", [("温度正常、通风良好", "engineering")]),
        ],
    ),
    (
        "值班抽查",
        "spot_check",
        0,
        [
            (
                "客服中心前台",
                "服务中心",
                [
                    ("值班人员在岗，着装整洁、佩戴工牌", "customer_service"),
                    ("值班记录填写完整、字迹清楚", "customer_service"),
                    ("电话铃响三声内接听", "customer_service"),
                    ("前台整洁、物品摆放整齐", "customer_service"),
                    ("交接班记录双方签名", "customer_service"),
                ],
            )
        ],
    ),
]


def _lobby_route(buildings: list[dict]) -> tuple:
    """Lobbies and lift halls of every building, and a renovation in progress (P6)."""
    checkpoints = []
    for b in buildings:
        checkpoints.append(
            (
                f"{b['name']}大堂",
                "一层",
                [
                    ("地面、玻璃门清洁", "cleaning"),
                    ("照明正常", "engineering"),
                    ("消防器材在位、在有效期内", "security"),
                ],
            )
        )
        checkpoints.append(
            (
                f"{b['name']}电梯厅",
                "各层",
                [("电梯运行正常、轿厢清洁", "engineering"), ("消防通道畅通无杂物", "security")],
            )
        )
    checkpoints.append(
        (
            "装修户巡查",
            "在装修的单元",
            [
                ("装修许可证张贴在门口", "customer_service"),
                ("无拆改承重结构等违规施工", "customer_service"),
                ("装修垃圾袋装并按时清运", "cleaning"),
            ],
        )
    )
    return ("大堂及电梯厅", "patrol", 1, checkpoints)


async def seed_patrol_demo(office_id: int) -> None:
    """Create the demo routes of one office (called by `app.org.demo.seed_demo`, in its transaction)."""
    buildings = await buildings_of_office(office_id)
    routes = [_ROUTES[0], _lobby_route(buildings), *_ROUTES[1:]]
    codes: set[str] = set()
    for order, (name, kind, daily, checkpoints) in enumerate(routes, start=1):
        route_id = (
            await PatrolRoute.insert(
                PatrolRoute(office=office_id, name=name, kind=kind, daily_rounds=daily, sort_order=order)
            )
        )[0]["id"]
        for position, (cp_name, location, items) in enumerate(checkpoints, start=1):
            code = new_code()
            while code in codes:
                code = new_code()
            codes.add(code)
            building = next((b["id"] for b in buildings if cp_name.startswith(b["name"])), None)
            cp_id = (
                await Checkpoint.insert(
                    Checkpoint(
                        office=office_id,
                        route=route_id,
                        position=position,
                        name=cp_name,
                        location=location,
                        building=building,
                        code=code,
                    )
                )
            )[0]["id"]
            await CheckItem.insert(
                *[
                    CheckItem(office=office_id, checkpoint=cp_id, position=i, label=label, department=dept)
                    for i, (label, dept) in enumerate(items, start=1)
                ]
            )
    entrusted = (
        await PatrolRoute.insert(
            PatrolRoute(office=office_id, name="托管房户外巡查", kind="entrusted", daily_rounds=0, sort_order=99)
        )
    )[0]["id"]
    await sync_entrusted_checkpoints(office_id, entrusted)
