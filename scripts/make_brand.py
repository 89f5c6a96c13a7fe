"""Draw the project's original icon and logo (no Proxmox artwork): a server stack with a live pulse."""

from PIL import Image, ImageDraw, ImageFont


def icon(size: int) -> Image.Image:
    s = size / 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((8 * s, 8 * s, 248 * s, 248 * s), radius=48 * s, fill=(31, 41, 64, 255))
    # three server slabs
    for i, y in enumerate((52, 104, 156)):
        d.rounded_rectangle((44 * s, y * s, 212 * s, (y + 40) * s), radius=10 * s, fill=(58, 74, 107, 255))
        d.ellipse(
            (58 * s, (y + 14) * s, 70 * s, (y + 26) * s),
            fill=(94, 234, 152, 255) if i != 1 else (255, 183, 77, 255),
        )
        for x in (150, 168, 186):
            d.rectangle((x * s, (y + 12) * s, (x + 8) * s, (y + 28) * s), fill=(120, 140, 180, 255))
    # pulse line across
    pts = [(20, 214), (84, 214), (104, 184), (124, 236), (146, 196), (160, 214), (236, 214)]
    d.line(
        [(x * s, y * s) for x, y in pts], fill=(94, 234, 152, 255), width=max(2, int(10 * s)), joint="curve"
    )
    return img


icon(256).save("custom_components/proxmox_live/brand/icon.png")
icon(512).save("custom_components/proxmox_live/brand/icon@2x.png")
logo = Image.new("RGBA", (1024, 256), (0, 0, 0, 0))
logo.paste(icon(256), (0, 0))
d = ImageDraw.Draw(logo)
try:
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 84)
    small = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 44)
except OSError:
    font = small = ImageFont.load_default()
d.text((288, 46), "Proxmox VE", font=font, fill=(31, 41, 64, 255))
d.text((292, 152), "Live for Home Assistant", font=small, fill=(60, 130, 100, 255))
logo.save("custom_components/proxmox_live/brand/logo.png")
