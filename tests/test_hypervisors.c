/*
 * test_hypervisors.c -- examples/hypervisors/: the VMCS setups of real hypervisors and test
 * suites, given as they write them and adjusted per processor, enter on the processors their
 * projects support and are refused where the project would refuse; `matrix` over each gives
 * the counts the README shows; the adjusted values appear in text, JSON and SARIF; and under
 * Bochs a real VMLAUNCH of each adjusted VMCS agrees with the prediction.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "json_check.h"

#define HV "examples/hypervisors/"

/*
 * The entries whose dumps lack the values of the TRUE capability MSRs (IA32_VMX_BASIC[55] = 1)
 * and take them from the dumps of their family/model/stepping (capsdb msr-inferred): a
 * hypervisor that reads them enters there, and the verdict names the inferred values.
 */
#define INFERRED_TRUE_VALUES                                                                       \
	"broadwell-core-i5-5200u", "haswell-ult-core-i5-4210u", "ivy-bridge-core-i3-3217u",        \
	    "ivy-bridge-core-i3-3240", "ivy-bridge-core-i7-3770",                                  \
	    "silvermont-bay-trail-celeron-j1800", "skylake-s-h-xeon-e3-1230-v5"

/* The entries without EPT, where the setups that need it are refused. */
#define NO_EPT                                                                                     \
	"yonah-core-duo-t2600", "merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600",            \
	    "penryn-core-2-duo-p8700", "penryn-core-2-duo-t9600", "penryn-core-2-extreme-x9650",   \
	    "penryn-xeon-x5482", "dunnington-xeon-e7450", "bonnell-tunnel-creek-atom-e680",        \
	    "via-isaiah-cns-via-quadcore-l4700", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",      \
	    "bochs-core2_penryn_t9600", "bochs-core_duo_t2400_yonah"

/* A project whose VMCS enters wherever it runs and vmcslint decides. */
#define NO_FAILS {{0}}, ""

/* Arrays, not pointers: Criterion runs each parameter in a new process. */
struct hv_case {
	char file[48];
	char summary[200];    /* the end of `matrix --format json` */
	char enters[12][64];  /* a processor of each generation the project supports */
	char refused[14][64]; /* where the project refuses (or cannot run) */
	char inferred[8][64]; /* entered on TRUE MSR values inferred from a sibling's dump */
	/* Where the project's own VMCS fails (VMfailValid), and the check that says why. */
	char fails[10][64];
	char fail_check[40];
};

/* Xen with HAP and unrestricted guest: its fresh HVM guest, real-mode and PVH entries. */
#define XEN_HAP_UG(file)                                                                           \
	{                                                                                          \
		file,                                                                              \
		    "\"success\": 248, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": "   \
		    "0, \"refused\": "                                                             \
		    "17}", /* HAP + unrestricted guest: Westmere and later, Silvermont and later   \
		              Atoms */                                                             \
		    {"westmere-ep-xeon-w3670",                                                     \
		     "sandy-bridge-core-i7-2600k",                                                 \
		     "haswell-core-i7-4770",                                                       \
		     "skylake-sp-x-xeon-gold-6154",                                                \
		     "ice-lake-sp-xeon-platinum-8351n",                                            \
		     "tiger-lake-u-core-i5-1135g7",                                                \
		     "alder-lake-s-core-i5-12400",                                                 \
		     "raptor-lake-s-core-i7-14700",                                                \
		     "goldmont-plus-celeron-j4105",                                                \
		     "tremont-jasper-lake-celeron-n5100",                                          \
		     "bochs-corei7_skylake_x",                                                     \
		     "bochs-corei5_arrandale_m520"}, /* no EPT / no unrestricted guest (Xen uses   \
		                                        shadow or HAP without UG), or no 64-bit    \
		                                        host */                                    \
		    {"yonah-core-duo-t2600",                                                       \
		     "merom-conroe-core-2-x6800",                                                  \
		     "penryn-core-2-duo-p8600",                                                    \
		     "penryn-xeon-x5482",                                                          \
		     "dunnington-xeon-e7450",                                                      \
		     "nehalem-lynnfield-core-i5-750",                                              \
		     "nehalem-lynnfield-core-i7-870",                                              \
		     "nehalem-lynnfield-xeon-x3430",                                               \
		     "bonnell-tunnel-creek-atom-e680",                                             \
		     "via-isaiah-cns-via-quadcore-l4700",                                          \
		     "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",                                  \
		     "bochs-core2_penryn_t9600",                                                   \
		     "bochs-core_duo_t2400_yonah",                                                 \
		     "bochs-corei5_lynnfield_750"},                                                \
		    {INFERRED_TRUE_VALUES}, NO_FAILS                                               \
	}

/* ACRN: its real-mode and protected-mode first entries need the same processors. */
#define ACRN(file)                                                                                 \
	{                                                                                          \
		file,                                                                              \
		    "\"success\": 246, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": "   \
		    "0, \"refused\": "                                                             \
		    "19}", /* unrestricted guest, EPT, VPID, RDTSCP, APIC-access virtualization;   \
		              decided CTLS3 */                                                     \
		    {"westmere-ep-xeon-e5606",                                                     \
		     "sandy-bridge-core-i7-2600k",                                                 \
		     "haswell-core-i7-4770",                                                       \
		     "skylake-sp-x-xeon-gold-6154",                                                \
		     "kaby-lake-s-h-core-i7-7700k",                                                \
		     "coffee-lake-core-i7-8700k",                                                  \
		     "cascade-lake-xeon-gold-5215",                                                \
		     "ice-lake-sp-xeon-platinum-8351n",                                            \
		     "tiger-lake-u-core-i5-1135g7",                                                \
		     "alder-lake-s-core-i5-12400",                                                 \
		     "goldmont-apollo-lake-celeron-j3455",                                         \
		     "bochs-tigerlake"}, /* check_essential_vmx_caps() */                          \
		    {"nehalem-lynnfield-core-i5-750",                                              \
		     "nehalem-lynnfield-core-i7-870",                                              \
		     "nehalem-lynnfield-xeon-x3430",                                               \
		     "bochs-corei5_lynnfield_750",                                                 \
		     "virtualized-hyperv-l1-on-haswell-e-ep-xeon-e5-2673-v3",                      \
		     "virtualized-hyperv-l1-on-haswell-e-ep-xeon-e5-2680-v3",                      \
		     "yonah-core-duo-t2600",                                                       \
		     "merom-conroe-core-2-x6800",                                                  \
		     "penryn-core-2-duo-p8600",                                                    \
		     "dunnington-xeon-e7450",                                                      \
		     "bonnell-tunnel-creek-atom-e680",                                             \
		     "via-isaiah-cns-via-quadcore-l4700",                                          \
		     "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",                                  \
		     "bochs-core_duo_t2400_yonah"},                                                \
		    {INFERRED_TRUE_VALUES}, NO_FAILS                                               \
	}

static const struct hv_case cases[] = {
    {"kvm-unit-tests.yaml",
     "\"success\": 263, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": 2}",
     /* any Intel 64 processor with VMX, with or without TRUE MSRs, EPT, VPID */
     {"merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600", "nehalem-lynnfield-core-i5-750",
      "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154",
      "ice-lake-sp-xeon-platinum-8351n", "sapphire-rapids-xeon-w9-3475x",
      "granite-rapids-xeon-658x", "via-isaiah-cns-via-quadcore-l4700", "bochs-corei7_skylake_x",
      "bochs-core2_penryn_t9600"},
     /* no IA-32e controls: a 64-bit image cannot run */
     {"yonah-core-duo-t2600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"kvm-selftests.yaml",
     "\"success\": 263, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": 2}",
     {"merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600", "nehalem-lynnfield-core-i5-750",
      "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154",
      "ice-lake-sp-xeon-platinum-8351n", "sapphire-rapids-xeon-w9-3475x",
      "granite-rapids-xeon-658x", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",
      "bochs-corei7_skylake_x", "bochs-tigerlake"},
     {"yonah-core-duo-t2600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"kvm-selftests-ept.yaml",
     "\"success\": 252, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "13}",
     /* EPT: Nehalem and later, Silvermont and later Atoms */
     {"nehalem-lynnfield-core-i5-750", "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770",
      "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "sapphire-rapids-xeon-w9-3475x", "granite-rapids-xeon-658x", "lunar-lake-core-ultra-9-288v",
      "goldmont-plus-celeron-j4105", "bochs-corei7_skylake_x", "bochs-corei5_lynnfield_750"},
     /* no EPT: TEST_REQUIRE(kvm_cpu_has_ept()) skips the test */
     {NO_EPT},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"simplevisor.yaml",
     "\"success\": 253, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "12}",
     /* TRUE capability MSRs: Nehalem and later (and Bochs's Penryn model, which has them) */
     {"nehalem-lynnfield-core-i5-750", "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770",
      "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "sapphire-rapids-xeon-w9-3475x", "granite-rapids-xeon-658x", "lunar-lake-core-ultra-9-288v",
      "goldmont-plus-celeron-j4105", "bochs-corei7_skylake_x", "bochs-core2_penryn_t9600"},
     /* ShvVmxEnterRootModeOnVp() refuses without IA32_VMX_BASIC[55] */
     {"yonah-core-duo-t2600", "merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600",
      "penryn-core-2-duo-p8700", "penryn-core-2-duo-t9600", "penryn-core-2-extreme-x9650",
      "penryn-xeon-x5482", "dunnington-xeon-e7450", "bonnell-tunnel-creek-atom-e680",
      "via-isaiah-cns-via-quadcore-l4700", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",
      "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"vbox-ug-reset.yaml",
     "\"success\": 248, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "17}",
     /* EPT + unrestricted guest: Westmere and later, Silvermont and later */
     {"westmere-ep-xeon-w3670", "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770",
      "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "sapphire-rapids-xeon-w9-3475x", "granite-rapids-xeon-658x", "lunar-lake-core-ultra-9-288v",
      "silvermont-avoton-atom-c2750", "goldmont-plus-celeron-j4105", "bochs-corei7_skylake_x",
      "bochs-corei5_arrandale_m520"},
     /* no UX or no EPT: VirtualBox uses real-on-v86 there (the other two files) */
     {"nehalem-lynnfield-core-i5-750", "nehalem-lynnfield-core-i7-870",
      "nehalem-lynnfield-xeon-x3430", "bochs-corei5_lynnfield_750", "merom-conroe-core-2-x6800",
      "penryn-core-2-duo-p8600", "penryn-xeon-x5482", "dunnington-xeon-e7450",
      "bonnell-tunnel-creek-atom-e680", "via-isaiah-cns-via-quadcore-l4700",
      "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581", "yonah-core-duo-t2600",
      "bochs-core_duo_t2400_yonah", "bochs-core2_penryn_t9600"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"vbox-v86-ept.yaml",
     "\"success\": 252, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "13}",
     /* EPT: Nehalem and later, Silvermont and later */
     {"nehalem-lynnfield-core-i5-750", "bochs-corei5_lynnfield_750", "westmere-ep-xeon-e5606",
      "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154",
      "ice-lake-sp-xeon-platinum-8351n", "sapphire-rapids-xeon-w9-3475x",
      "granite-rapids-xeon-658x", "silvermont-bay-trail-celeron-j1900",
      "goldmont-plus-celeron-j4105", "bochs-corei7_skylake_x"},
     /* no EPT: shadow paging (vbox-v86-shadow.yaml) */
     {NO_EPT},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"vbox-v86-shadow.yaml",
     "\"success\": 263, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": 2}",
     /* any Intel 64 VMX processor, EPT or not */
     {"merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600", "dunnington-xeon-e7450",
      "bonnell-tunnel-creek-atom-e680", "via-isaiah-cns-via-quadcore-l4700",
      "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581", "bochs-core2_penryn_t9600",
      "nehalem-lynnfield-core-i5-750", "haswell-core-i7-4770", "sapphire-rapids-xeon-w9-3475x",
      "granite-rapids-xeon-658x", "bochs-corei7_skylake_x"},
     /* no IA-32e controls: no 64-bit host */
     {"yonah-core-duo-t2600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"hyperdbg.yaml",
     "\"success\": 205, \"fail\": 47, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "13}",
     /* EPT with accessed/dirty flags: Haswell and later, Goldmont and later */
     {"haswell-core-i7-4770", "broadwell-e-ep-xeon-e5-2696-v4", "skylake-sp-x-xeon-gold-6154",
      "ice-lake-sp-xeon-platinum-8351n", "tiger-lake-u-core-i7-1165g7",
      "alder-lake-s-core-i9-12900k", "raptor-lake-s-core-i9-13900k",
      "sapphire-rapids-xeon-w9-3475x", "granite-rapids-xeon-658x", "lunar-lake-core-ultra-9-288v",
      "goldmont-plus-celeron-j4105", "bochs-corei7_haswell_4770"},
     /* EptCheckFeatures() refuses without EPT */
     {NO_EPT},
     /* inferred TRUE MSRs, and entering: */
     {"broadwell-core-i5-5200u", "haswell-ult-core-i5-4210u", "skylake-s-h-xeon-e3-1230-v5"},
     {"nehalem-lynnfield-core-i5-750", "westmere-ep-xeon-w3670", "sandy-bridge-core-i7-2600k",
      "ivy-bridge-e-ep-core-i7-4930k", "silvermont-avoton-atom-c2750", "airmont-celeron-n3150",
      "bochs-corei7_ivy_bridge_3770k", "virtualized-hyperv-l1-on-haswell-e-ep-xeon-e5-2673-v3"},
     "CTL-EPTP-ACCESSED-DIRTY"},
    {"kvm-reset-unrestricted.yaml",
     "\"success\": 248, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "17}",
     /* unrestricted guest + EPT: Westmere and later, Silvermont and later Atoms */
     {"westmere-ep-xeon-w3670", "sandy-bridge-core-i7-2600k", "ivy-bridge-core-i7-3770k",
      "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "alder-lake-s-core-i5-12400", "silvermont-avoton-atom-c2750", "goldmont-plus-celeron-j4105",
      "tremont-jasper-lake-celeron-n5100", "bochs-corei5_arrandale_m520", "bochs-corei7_skylake_x"},
     /* no unrestricted guest: KVM uses kvm-reset-vm86*.yaml there */
     {"yonah-core-duo-t2600", "merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600",
      "penryn-xeon-x5482", "dunnington-xeon-e7450", "bonnell-tunnel-creek-atom-e680",
      "nehalem-lynnfield-core-i5-750", "nehalem-lynnfield-core-i7-870",
      "nehalem-lynnfield-xeon-x3430", "via-isaiah-cns-via-quadcore-l4700",
      "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581", "bochs-core2_penryn_t9600",
      "bochs-core_duo_t2400_yonah", "bochs-corei5_lynnfield_750"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"kvm-reset-vm86.yaml",
     "\"success\": 263, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": 2}",
     /* ept=0, or no EPT: every 64-bit VMX processor */
     {"merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600", "dunnington-xeon-e7450",
      "bonnell-tunnel-creek-atom-e680", "nehalem-lynnfield-core-i5-750",
      "sandy-bridge-core-i7-2600k", "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154",
      "via-isaiah-cns-via-quadcore-l4700", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",
      "bochs-core2_penryn_t9600", "bochs-corei7_skylake_x"},
     /* 32-bit only: the 64-bit kvm_intel cannot run */
     {"yonah-core-duo-t2600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"kvm-reset-vm86-ept.yaml",
     "\"success\": 252, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "13}",
     /* EPT without (or with disabled) unrestricted guest: Nehalem; any EPT CPU with
        unrestricted_guest=0 */
     {"nehalem-lynnfield-core-i5-750", "nehalem-lynnfield-core-i7-870",
      "nehalem-lynnfield-xeon-x3430", "westmere-ep-xeon-w3670", "sandy-bridge-core-i7-2600k",
      "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "silvermont-avoton-atom-c2750", "goldmont-plus-celeron-j4105", "bochs-corei5_lynnfield_750",
      "bochs-corei7_skylake_x"},
     /* no EPT */
     {NO_EPT},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"bhyve-bhyveload-long-mode.yaml",
     "\"success\": 252, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "13}",
     /* EPT and VPID: Nehalem and later, Silvermont and later */
     {"nehalem-lynnfield-core-i5-750", "westmere-ep-xeon-e5606", "sandy-bridge-core-i7-2600k",
      "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "alder-lake-s-core-i5-12400", "sapphire-rapids-xeon-w9-3475x", "granite-rapids-xeon-658x",
      "silvermont-bay-trail-celeron-j1900", "goldmont-plus-celeron-j4105",
      "bochs-corei5_lynnfield_750"},
     /* vmx_modinit()/ept_init() fail without EPT and INVVPID */
     {NO_EPT},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"bhyve-uefi-reset-real-mode.yaml",
     "\"success\": 248, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "17}",
     /* EPT, VPID and unrestricted guest: Westmere and later */
     {"westmere-ep-xeon-e5606", "sandy-bridge-core-i7-2600k", "ivy-bridge-core-i7-3770",
      "haswell-core-i7-4770", "broadwell-core-i5-5200u", "skylake-sp-x-xeon-gold-6154",
      "ice-lake-sp-xeon-platinum-8351n", "alder-lake-s-core-i5-12400",
      "sapphire-rapids-xeon-w9-3475x", "lunar-lake-core-ultra-9-288v",
      "silvermont-bay-trail-celeron-j1900", "bochs-corei7_skylake_x"},
     /* bhyve_start_vcpu(): "ROM boot failed: unrestricted guest capability not available" */
     {"nehalem-lynnfield-core-i5-750", "nehalem-lynnfield-core-i7-870",
      "nehalem-lynnfield-xeon-x3430", "bochs-corei5_lynnfield_750", "yonah-core-duo-t2600",
      "merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600", "penryn-xeon-x5482",
      "dunnington-xeon-e7450", "bonnell-tunnel-creek-atom-e680",
      "via-isaiah-cns-via-quadcore-l4700", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",
      "bochs-core2_penryn_t9600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    ACRN("acrn-real-mode.yaml"),
    ACRN("acrn-protected-mode.yaml"),
    XEN_HAP_UG("xen-hvm-hap-ug.yaml"),
    XEN_HAP_UG("xen-hvm-realmode-ug.yaml"),
    XEN_HAP_UG("xen-pvh.yaml"),
    {"xen-hvm-hap-noug.yaml",
     "\"success\": 252, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": "
     "13}",
     {"nehalem-lynnfield-core-i5-750", "westmere-ep-xeon-w3670", "sandy-bridge-core-i7-2600k",
      "haswell-core-i7-4770", "skylake-sp-x-xeon-gold-6154", "ice-lake-sp-xeon-platinum-8351n",
      "tiger-lake-u-core-i5-1135g7", "alder-lake-s-core-i5-12400", "raptor-lake-s-core-i7-14700",
      "goldmont-plus-celeron-j4105", "bochs-corei5_lynnfield_750", "bochs-corei7_skylake_x"},
     {"yonah-core-duo-t2600", "merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600",
      "penryn-xeon-x5482", "dunnington-xeon-e7450", "bonnell-tunnel-creek-atom-e680",
      "via-isaiah-cns-via-quadcore-l4700", "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581",
      "bochs-core2_penryn_t9600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
    {"xen-hvm-shadow.yaml",
     "\"success\": 263, \"fail\": 0, \"processor_dependent\": 0, \"undecided\": 0, \"refused\": 2}",
     {"merom-conroe-core-2-x6800", "penryn-core-2-duo-p8600", "dunnington-xeon-e7450",
      "nehalem-lynnfield-core-i5-750", "westmere-ep-xeon-w3670", "haswell-core-i7-4770",
      "ice-lake-sp-xeon-platinum-8351n", "alder-lake-s-core-i5-12400",
      "bonnell-tunnel-creek-atom-e680", "via-isaiah-cns-via-quadcore-l4700",
      "zhaoxin-wudaokou-zhaoxin-kaixian-kx-u5581", "bochs-core2_penryn_t9600"},
     {"yonah-core-duo-t2600", "bochs-core_duo_t2400_yonah"},
     {INFERRED_TRUE_VALUES},
     NO_FAILS},
};

ParameterizedTestParameters(hypervisors, matrix)
{
	return cr_make_param_array(struct hv_case, cases, sizeof(cases) / sizeof(cases[0]));
}

/* Whether the matrix JSON has a row for caps that holds text. */
static bool row_has(const char *json, const char *caps, const char *text)
{
	char row[200];
	const char *at, *next, *p;

	snprintf(row, sizeof(row), "{\"caps\": \"%s\"", caps);
	at = strstr(json, row);
	if (!at)
		return false;
	next = strstr(at + 1, "{\"caps\": ");
	p = strstr(at, text);
	return p && (!next || p < next);
}

/* Whether the matrix JSON has a row for caps with this outcome. */
static bool row_is(const char *json, const char *caps, const char *outcome)
{
	char pred[120];

	snprintf(pred, sizeof(pred), "\"prediction\": {\"outcome\": \"%s\"", outcome);
	return row_has(json, caps, pred);
}

ParameterizedTest(const struct hv_case *c, hypervisors, matrix, .timeout = 60)
{
	char path[96], fail_pred[120];
	const char *where;
	struct cli_result r;

	snprintf(path, sizeof(path), HV "%s", c->file);
	r = run_cli(NULL, (const char *[]){"matrix", "--format", "json", path, NULL});
	cr_expect_eq(r.status, 1, "%s: not every processor enters: %s", c->file, r.err);
	cr_assert(json_valid(r.out, &where), "%s: invalid JSON near %.60s", c->file, where);
	cr_expect(strstr(r.out, c->summary), "%s: the counts changed: ...%s", c->file,
	          r.out + (strlen(r.out) > 120 ? strlen(r.out) - 120 : 0));
	for (size_t i = 0; i < 12 && c->enters[i][0]; i++)
		cr_expect(row_is(r.out, c->enters[i], "success"), "%s does not enter on %s",
		          c->file, c->enters[i]);
	for (size_t i = 0; i < 14 && c->refused[i][0]; i++)
		cr_expect(row_is(r.out, c->refused[i], "refused"), "%s is not refused on %s",
		          c->file, c->refused[i]);
	for (size_t i = 0; i < 8 && c->inferred[i][0]; i++)
		cr_expect(row_is(r.out, c->inferred[i], "success") &&
		              row_has(r.out, c->inferred[i],
		                      "\"inferred_values\": [\"IA32_VMX_TRUE_PINBASED_CTLS\""),
		          "%s does not enter on %s on the inferred TRUE MSRs", c->file,
		          c->inferred[i]);
	/*
	 * Every processor where the project runs and vmcslint can decide: it enters, but where
	 * the project's own VMCS breaks a rule (each such row names the rule).
	 */
	cr_expect_eq(count_substr(r.out, "\"outcome\": \"entry_failure\""), 0, "%s", c->file);
	for (size_t i = 0; i < 10 && c->fails[i][0]; i++)
		cr_expect(row_is(r.out, c->fails[i], "vmfail_valid") &&
		              row_has(r.out, c->fails[i], c->fail_check),
		          "%s does not fail on %s with %s", c->file, c->fails[i], c->fail_check);
	/* Every VMfailValid row is that rule's. */
	snprintf(fail_pred, sizeof(fail_pred),
	         "\"vmfail_valid\", \"vm_instruction_error\": 7, "
	         "\"check\": \"%s\"",
	         c->fail_check);
	cr_expect_eq(count_substr(r.out, "\"outcome\": \"vmfail_valid\""),
	             c->fails[0][0] ? count_substr(r.out, fail_pred) : 0, "%s", c->file);
	cli_result_free(&r);
}

Test(hypervisors, check_shows_the_adjusted_values_it_judged)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"check", "--caps", "penryn-core-2-duo-p8600",
	                           HV "kvm-unit-tests.yaml", HV "kvm-selftests-ept.yaml", NULL});

	cr_expect_eq(r.status, 1, "the EPT selftest is refused: %s", r.err);
	cr_expect(strstr(r.out, HV
	                 "kvm-unit-tests.yaml:38:3: note: [HV-ADJUSTED] VM_EXIT_CONTROLS adjusted "
	                 "for penryn-core-2-duo-p8600: wanted HOST_ADDRESS_SPACE_SIZE (required), "
	                 "LOAD_IA32_PAT, LOAD_IA32_EFER (optional); judged 0x36fff; default1 "
	                 "0x36dff from IA32_VMX_EXIT_CTLS; dropped (not allowed): LOAD_IA32_PAT, "
	                 "LOAD_IA32_EFER\n"),
	          "%s", r.out);
	/* Its host PAT is written only where LOAD_IA32_PAT is allowed. */
	cr_expect(strstr(r.out,
	                 HV "kvm-unit-tests.yaml:61:3: note: [HV-ADJUSTED] HOST_IA32_PAT not "
	                    "written on penryn-core-2-duo-p8600"),
	          "%s", r.out);
	cr_expect(strstr(r.out,
	                 HV "kvm-unit-tests.yaml:79:3: note: [HV-ADJUSTED] GUEST_CR0 adjusted "
	                    "for penryn-core-2-duo-p8600: given 0x80010011 with the fixed bits; "
	                    "judged 0x80010031; set by IA32_VMX_CR0_FIXED0: NE\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, HV "kvm-unit-tests.yaml: prediction: VM entry succeeds"), "%s",
	          r.out);
	/* The refusal points at the required bit's line and column. */
	cr_expect(strstr(r.out,
	                 HV "kvm-selftests-ept.yaml:19:16: error: [HV-REFUSED] this "
	                    "hypervisor refuses to run on penryn-core-2-duo-p8600: it requires "
	                    "ENABLE_EPT of SECONDARY_VM_EXEC_CONTROL, which the processor does "
	                    "not allow (IA32_VMX_PROCBASED_CTLS2 allows 0x41)\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, HV "kvm-selftests-ept.yaml: prediction: refused: the hypervisor "
	                           "refuses to run on this processor [HV-REFUSED] (caps "
	                           "penryn-core-2-duo-p8600; 1 required capability missing)\n"),
	          "%s", r.out);
	cli_result_free(&r);
}

Test(hypervisors, simplevisor_refuses_without_true_msrs)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", "--caps", "merom-conroe-core-2-x6800",
	                                   HV "simplevisor.yaml", NULL});

	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, "error: [HV-REFUSED] this hypervisor refuses to run on "
	                        "merom-conroe-core-2-x6800: it reads the TRUE capability MSRs "
	                        "(default1: true_msr for PIN, PROC, EXIT, ENTRY) and the processor "
	                        "has none (IA32_VMX_BASIC[55] = 0)"),
	          "%s", r.out);
	cr_expect_eq(count_substr(r.out, "[HV-REFUSED]"), 2, "one finding and the prediction: %s",
	             r.out);
	cli_result_free(&r);
}

Test(hypervisors, undecided_where_the_true_msrs_are_unknown)
{
	struct cli_result r = run_cli(
	    NULL, (const char *[]){"check", "--caps", "tests/fixtures/caps/no-true-msrs.yaml",
	                           HV "kvm-unit-tests.yaml", NULL});

	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out,
	                 "note: [HV-UNDECIDED] CPU_BASED_VM_EXEC_CONTROL: bit 1, bit 4, bit 5, "
	                 "bit 6, bit 8, bit 13, bit 14, CR3_LOAD_EXITING, CR3_STORE_EXITING, "
	                 "bit 26: default1 in IA32_VMX_PROCBASED_CTLS; whether "
	                 "IA32_VMX_TRUE_PROCBASED_CTLS lets them be 0 is unknown"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "prediction: undecided"), "%s", r.out);
	cli_result_free(&r);
}

Test(hypervisors, json_and_sarif_carry_the_adjustment)
{
	struct cli_result j =
	    run_cli(NULL, (const char *[]){"check", "--format", "json", "--caps",
	                                   "penryn-core-2-duo-p8600", HV "kvm-selftests-ept.yaml",
	                                   HV "simplevisor.yaml", HV "kvm-unit-tests.yaml", NULL});
	struct cli_result s =
	    run_cli(NULL, (const char *[]){"check", "--format", "sarif", "--caps",
	                                   "penryn-core-2-duo-p8600", HV "kvm-selftests-ept.yaml",
	                                   HV "kvm-unit-tests.yaml", NULL});
	struct cli_result v;
	const char *where;

	cr_assert(json_valid(j.out, &where), "invalid JSON near %.60s", where);
	cr_expect(strstr(j.out, "\"prediction\": {\"outcome\": \"refused\", \"check\": "
	                        "\"HV-REFUSED\"}"),
	          "%s", j.out);
	cr_expect(strstr(j.out, "{\"check\": \"HV-REFUSED\", \"severity\": \"error\", \"outcome\": "
	                        "{\"outcome\": \"refused\"}, \"sdm\": \"A.3.3\", \"fields\": "
	                        "[\"SECONDARY_VM_EXEC_CONTROL\"]"),
	          "%s", j.out);
	cr_expect(strstr(j.out, "{\"field\": \"VM_EXIT_CONTROLS\", \"required\": "
	                        "[\"HOST_ADDRESS_SPACE_SIZE\"], \"optional\": [\"LOAD_IA32_PAT\", "
	                        "\"LOAD_IA32_EFER\"], \"default1\": \"auto\", \"settings_from\": "
	                        "\"IA32_VMX_EXIT_CTLS\", \"value\": \"0x36fff\""),
	          "%s", j.out);
	cr_expect(strstr(j.out, "{\"field\": \"GUEST_CR0\", \"given\": \"0x80010011\", \"fixed\": "
	                        "\"apply\", \"value\": \"0x80010031\", \"set\": \"0x20\""),
	          "%s", j.out);
	cr_expect(strstr(j.out, "{\"field\": \"HOST_IA32_PAT\", \"written\": false"), "%s", j.out);
	cr_expect(strstr(s.out, "\"ruleId\": \"HV-REFUSED\""), "%s", s.out);
	cr_expect(strstr(s.out, "\"ruleId\": \"HV-ADJUSTED\""), "%s", s.out);
	v = run_argv(s.out, (const char *[]){"python3", "tests/validate-json.py",
	                                     "tests/sarif/sarif-2.1.0-rtm.5.json", "-", NULL});
	cr_expect_eq(v.status, 0, "%s%s", v.out, v.err);
	cli_result_free(&v);
	cli_result_free(&j);
	cli_result_free(&s);
}

Test(hypervisors, matrix_rows_show_the_adjusted_values)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"matrix", HV "kvm-selftests-ept.yaml", NULL});

	cr_expect(strstr(r.out, "\npenryn-xeon-x5482                            refused        the "
	                        "hypervisor refuses to run: it requires ENABLE_EPT "
	                        "(SECONDARY_VM_EXEC_CONTROL) [HV-REFUSED]\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "\nbochs-corei7_skylake_x                       success        VM "
	                        "entry succeeds (1 VMWRITE fail)\n    adjusted: PIN 0x16, PROC "
	                        "0x84006172, PROC2 0x2, EXIT 0x36fff, ENTRY 0x13ff, GUEST_CR0 "
	                        "0x80000031, GUEST_CR4 0x42220, HOST_CR0 0x80000031, HOST_CR4 "
	                        "0x42220\n"),
	          "%s", r.out);
	cr_expect(strstr(r.out, HV "kvm-selftests-ept.yaml: enters on 252 processors, fails on 0, "
	                           "processor-dependent on 0, undecided on 0, refused on 13\n"),
	          "%s", r.out);
	cli_result_free(&r);
}

/* The adjusted VMCS really enters: a VMLAUNCH under Bochs agrees with every prediction. */
/* "probe", the options in opts, then every setup of examples/hypervisors/ (the cases[] files). */
static struct cli_result probe_all(const char *const *opts, size_t n_opts)
{
	const char *argv[4 + sizeof(cases) / sizeof(cases[0])];
	char paths[sizeof(cases) / sizeof(cases[0])][96];
	size_t n = 0;

	argv[n++] = "probe";
	for (size_t i = 0; i < n_opts; i++)
		argv[n++] = opts[i];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(paths[i], sizeof(paths[i]), HV "%.48s", cases[i].file);
		argv[n++] = paths[i];
	}
	argv[n] = NULL;
	return run_cli(NULL, argv);
}

/*
 * Every setup, adjusted to a Bochs model, launched for real: Skylake-X (EPT, unrestricted
 * guest, EPT A/D flags) enters them all; Lynnfield (EPT without unrestricted guest) refuses
 * the eight that need unrestricted guest and enters the virtual-8086 and 64-bit ones;
 * Ivy Bridge (no EPT A/D) fails HyperDbg's EPT pointer as predicted.
 */
Test(hypervisors, probe_launches_the_adjusted_vmcs, .timeout = 120)
{
	struct cli_result r, p, q;

	if (!have_program("bochs"))
		cr_skip_test("bochs is not installed (scripts/deps.sh installs it)");
	r = probe_all(NULL, 0);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "bochs-corei7_skylake_x: 20 agree, 0 disagree, 0 not compared"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "note: [HV-ADJUSTED] PIN_BASED_VM_EXEC_CONTROL adjusted for "
	                        "bochs-corei7_skylake_x"),
	          "%s", r.out);
	p = probe_all((const char *[]){"--emulator", "bochs:corei5_lynnfield_750"}, 2);
	cr_expect_eq(p.status, 0, "%s%s", p.out, p.err);
	cr_expect(strstr(p.out,
	                 HV "kvm-reset-unrestricted.yaml:\n  predicted: refused [HV-REFUSED]\n"
	                    "  observed:  not run\n"),
	          "%s", p.out);
	cr_expect(strstr(p.out, HV "kvm-reset-vm86-ept.yaml:\n  predicted: VM entry succeeds\n"
	                           "  observed:  VM entry succeeded"),
	          "%s", p.out);
	cr_expect(strstr(p.out, "bochs-corei5_lynnfield_750: 12 agree, 0 disagree, 0 not compared, "
	                        "8 refused by the hypervisor"),
	          "%s", p.out);
	q = probe_all((const char *[]){"--emulator", "bochs:corei7_ivy_bridge_3770k"}, 2);
	cr_expect(strstr(q.out,
	                 HV "hyperdbg.yaml:\n  predicted: VMfailValid, VM-instruction error 7 "
	                    "[CTL-EPTP-ACCESSED-DIRTY]"),
	          "%s", q.out);
	cr_expect(strstr(q.out, "bochs-corei7_ivy_bridge_3770k: 20 agree, 0 disagree"), "%s",
	          q.out);
	cli_result_free(&r);
	cli_result_free(&p);
	cli_result_free(&q);
}

/*
 * Tiger Lake's dump lacks IA32_VMX_PROCBASED_CTLS3: whether KVM uses IPI virtualization is
 * unknown, but both settings enter, so the entry does; a PID-pointer table that only IPI
 * virtualization would read, misaligned, makes the two settings differ: undecided.
 */
Test(hypervisors, unknown_capabilities_that_do_not_matter_settle_the_prediction)
{
	const char *caps = "tiger-lake-u-core-i7-1165g7";
	struct cli_result r, j, m;

	r = run_cli(NULL, (const char *[]){"check", "--caps", caps,
	                                   HV "kvm-reset-unrestricted.yaml", NULL});
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out,
	                 "note: [HV-SETTLED] the undecided bits rest on 1 capability bit "
	                 "unknown for tiger-lake-u-core-i7-1165g7: IA32_VMX_PROCBASED_CTLS3 "
	                 "bit 4 (IPI_VIRTUALIZATION of TERTIARY_VM_EXEC_CONTROL); each of the "
	                 "2 settings"),
	          "%s", r.out);
	cr_expect(strstr(r.out, "prediction: VM entry succeeds (caps tiger-lake-u-core-i7-1165g7; "
	                        "0 failed, 0 undecided, "),
	          "%s", r.out);
	/* the findings are those of the two settings, not of the run with the bit unknown */
	cr_expect_null(strstr(r.out, "cannot decide"), "%s", r.out);
	cr_expect_null(strstr(r.out, "VMWRITE-FIELD-EXISTS"), "%s", r.out);
	j = run_cli(NULL, (const char *[]){"check", "--format", "json", "--caps", caps,
	                                   HV "kvm-reset-unrestricted.yaml", NULL});
	cr_expect(strstr(j.out, "\"adjusted_settled\": {\"settings\": 2, \"bits\": "
	                        "\"IA32_VMX_PROCBASED_CTLS3 bit 4 (IPI_VIRTUALIZATION of "
	                        "TERTIARY_VM_EXEC_CONTROL)\"}"),
	          "%s", j.out);
	m = run_cli(NULL, (const char *[]){"check", "--caps", caps,
	                                   "tests/fixtures/config/hv-settle-mixed.yaml", NULL});
	cr_expect_null(strstr(m.out, "HV-SETTLED"), "%s", m.out);
	cr_expect(strstr(m.out, "prediction: undecided"), "%s", m.out);
	cli_result_free(&r);
	cli_result_free(&j);
	cli_result_free(&m);
}

/*
 * An earlier failure (VMLAUNCH of a launched VMCS) decides on every processor; the settings of
 * the unknown bit still decide the checks after it: the PID-pointer table check, which fails
 * with IPI virtualization and does not apply without it, is the one undecided finding.
 */
Test(hypervisors, a_settled_report_lists_what_holds_on_every_setting)
{
	struct cli_result r =
	    run_cli(NULL, (const char *[]){"check", "--caps", "tiger-lake-u-core-i7-1165g7",
	                                   "tests/fixtures/config/hv-settle-merged.yaml", NULL});

	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "note: [HV-SETTLED]"), "%s", r.out);
	/* the instruction's check points at the `entry:` key it is about, in the file giving it */
	cr_expect(strstr(r.out, "tests/fixtures/config/hv-settle-merged.yaml:6:3: error: "
	                        "[INSTR-VMLAUNCH-CLEAR]"),
	          "%s", r.out);
	cr_expect(strstr(r.out,
	                 "prediction: VMfailValid, VM-instruction error 4 "
	                 "[INSTR-VMLAUNCH-CLEAR] (caps tiger-lake-u-core-i7-1165g7; 1 failed, "
	                 "1 undecided, "),
	          "%s", r.out);
	cr_expect(strstr(r.out, "note: [CTL-PID-TABLE-ALIGN] cannot decide: the result differs "
	                        "between the settings of IA32_VMX_PROCBASED_CTLS3 bit 4 "
	                        "(IPI_VIRTUALIZATION of TERTIARY_VM_EXEC_CONTROL); in one of them: "
	                        "PID_POINTER_TABLE = 0x7f3a0004 is not 8-byte aligned"),
	          "%s", r.out);
	cli_result_free(&r);
}

Test(hypervisors, explain_knows_the_adjustment_ids)
{
	struct cli_result r = run_cli(NULL, (const char *[]){"explain", "hv_refused", NULL});
	struct cli_result u = run_cli(NULL, (const char *[]){"explain", "HV-REFUSE", NULL});

	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "HV-REFUSED\n  A control the hypervisor requires is allowed by the "
	                        "processor\n"),
	          "%s", r.out);
	cr_expect_eq(u.status, 2, "an id that is not one stays unknown: %s", u.out);
	cli_result_free(&r);
	cli_result_free(&u);
}
