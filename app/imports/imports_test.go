package imports_test

import (
	"strings"
	"testing"

	"synthreview/app/imports"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func TestGoodFiles(t *testing.T) {
	cases := []struct {
		kind, name, data string
		records          int
	}{
		{"services", "services.csv", "name,category,algorithm_filing,model\nFaceStudio,face_swap,网信算备110108000000000000003号,fs-2.1\nXiaoHua Chat,text_dialogue,,xh\n", 2},
		{"services", "services.json", `[{"name":"FaceStudio","category":"face_swap","algorithm_filing":"网信算备1号","model":"fs"}]`, 1},
		{"assessments", "a.csv", "id,service,model,date,scope,status\nSA-2025-017,FaceStudio,fs-2.1,2025-06-30,face swap,passed\n", 1},
		{"realname", "rn.csv", "user_id,method,result,verified_at,id_number\nu-1,id_card,verified,2025-11-01T10:00:00+08:00,110105199001011234\n", 1},
		{"consent", "c.json", `[{"id":"CN-2025-0042","subject_id":"s-881","subject_name":"张三","scope":"face","granted_at":"2025-10-01","withdrawn_at":""}]`, 1},
		{"provider", "p.json", `{"name":"示例科技有限公司","uscc":"91110108MA01ABCD5T","producer_codes":[{"code":"001191110108MA01ABCD5T10007","service":"FaceStudio"}]}`, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := imports.Parse(c.kind, c.name, []byte(c.data), key)
			if err != nil {
				t.Fatal(err)
			}
			if b.Records() != c.records || len(b.FileSHA256) != 64 {
				t.Fatalf("records = %d, hash %q", b.Records(), b.FileSHA256)
			}
		})
	}
}

func TestRawIdentifiersAreNeverKept(t *testing.T) {
	b, err := imports.Parse("realname", "rn.csv", []byte("user_id,method,result,verified_at,id_number\nu-1,id_card,verified,2025-11-01,110105199001011234\n"), key)
	if err != nil {
		t.Fatal(err)
	}
	r := b.RealNames[0]
	if strings.Contains(r.MaskedID, "19900101") || r.MaskedID != "1101**********1234" || len(r.IDHash) != 64 {
		t.Fatalf("record keeps %+v", r)
	}
	_, err = imports.Parse("realname", "rn.csv", []byte("user_id,method,result,verified_at,masked_id\nu-1,id_card,verified,2025-11-01,110105199001011234\n"), key)
	if err == nil || !strings.Contains(err.Error(), "must be masked") {
		t.Fatalf("an unmasked identifier in masked_id was accepted: %v", err)
	}
}

func TestBadFilesNameTheProblem(t *testing.T) {
	cases := []struct {
		name, kind, data, want string
	}{
		{"unknown column", "services", "name,category,colour\nA,other,red\n", `unknown field "colour"`},
		{"missing column", "services", "name\nA\n", `missing field "category"`},
		{"unknown category", "services", "name,category\nA,deepfake\n", `record 1: service "A": unknown category`},
		{"number where a string belongs", "services", `[{"name":"A","category":3}]`, `field "category" must be a string`},
		{"bad date", "assessments", "id,service,date,status\nSA-1,A,yesterday,passed\n", `date "yesterday"`},
		{"bad status", "assessments", "id,service,date,status\nSA-1,A,2025-01-01,ok\n", "status must be one of"},
		{"invalid UTF-8", "services", "name,category\n\xff\xfe,other\n", "not valid UTF-8"},
		{"ragged CSV", "services", "name,category\nA,other,extra\n", "wrong number of fields"},
		{"evidence outside the folder", "consent", "id,subject_id,scope,granted_at,evidence_file\nCN-1,s-1,face,2025-01-01,../../etc/shadow\n", "inside the import folder"},
		{"consent expiring before grant", "consent", "id,subject_id,scope,granted_at,expires_at\nCN-1,s-1,face,2025-02-01,2025-01-01\n", "expires before"},
		{"bad USCC check character", "provider", `{"name":"X","uscc":"91110108MA01ABCD5A"}`, "unified social credit code"},
		{"producer code of another company", "provider", `{"name":"X","uscc":"91110108MA01ABCD5T","producer_codes":[{"code":"001191110102MACQD9K64010000"}]}`, "does not contain"},
		{"unknown kind", "weather", "a\n", "unknown import kind"},
		{"truncated JSON", "services", `[{"name":"A",`, "not a JSON array"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := imports.Parse(c.kind, "f", []byte(c.data), key)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("services", []byte("name,category\nA,other\n"))
	f.Add("consent", []byte(`[{"id":"CN-1","subject_id":"s","scope":"face","granted_at":"2025-01-01"}]`))
	f.Add("realname", []byte("user_id,method,result,verified_at,id_number\nu,mobile,verified,2025-01-01,13800138000\n"))
	f.Add("provider", []byte(`{"name":"X","uscc":"91110108MA01ABCD5T"}`))
	f.Fuzz(func(t *testing.T, kind string, data []byte) {
		b, err := imports.Parse(kind, "f", data, key)
		if err == nil {
			for _, r := range b.RealNames {
				if r.MaskedID != "" && !strings.Contains(r.MaskedID, "*") {
					t.Fatalf("unmasked identifier accepted: %q", r.MaskedID)
				}
			}
		}
	})
}
