# Terraform 0.11 syntax: everything interpolated, quoted types, list() and map().
variable "instance_count" {
  type    = "string"
  default = "2"
}

variable "tags" {
  type = "map"
  default = {
    Project = "legacy"
  }
}

resource "aws_instance" "app" {
  count                  = "${var.instance_count}"
  ami                    = "${data.aws_ami.ubuntu.id}"
  instance_type          = "t3.micro"
  vpc_security_group_ids = ["${aws_security_group.app.id}"]
  monitoring             = "true"
  tags                   = "${merge(var.tags, map("Name", "app-${count.index}"))}"

  root_block_device {
    volume_size = "20"
    encrypted   = "true"
  }
}

output "app_ips" {
  value = "${join(",", aws_instance.app.*.private_ip)}"
}
