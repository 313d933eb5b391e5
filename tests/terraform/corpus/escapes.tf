resource "aws_ssm_parameter" "motd" {
  name  = "/motd"
  type  = "String"
  value = "Welcome to \"prod\"\ttab\nnew line and unicode \u00e9 and literal $${not_interpolated}"
}

resource "aws_ssm_parameter" "script" {
  name  = "/script"
  type  = "String"
  value = <<EOF
#!/bin/sh
echo "hello ${var.env}"
echo 'literal %%{ not a directive }'
EOF
}

resource "azurerm_network_security_group" "vm" {
  name                = "vm"
  location            = "westeurope"
  resource_group_name = "rg"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "10.0.0.0/8"
    destination_address_prefix = "*"
  }
}
